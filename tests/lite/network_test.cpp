#include <gtest/gtest.h>

#include "lite/cni.hpp"
#include "lite/network_config.hpp"
#include "lite/network_masquerade.hpp"
#include "lite/ports.hpp"
#include "util/error.hpp"

namespace wb::lite {
namespace {

using nlohmann::json;

TEST(LiteSubnet, ParsesAndRefusesMalformed) {
    Subnet s = parse_subnet("172.20.0.0/16");
    EXPECT_EQ(s.to_string(), "172.20.0.0/16");
    EXPECT_TRUE(s.contains(*parse_ipv4("172.20.3.4")));
    EXPECT_FALSE(s.contains(*parse_ipv4("172.21.0.1")));
    EXPECT_THROW(parse_subnet("banana"), Error);
    EXPECT_THROW(parse_subnet("10.0.0.0"), Error);
    EXPECT_THROW(parse_subnet("10.0.0.0/33"), Error);
    EXPECT_THROW(parse_subnet("10.0.0.0/x"), Error);
    EXPECT_THROW(parse_subnet("fd00::/64"), Error);
    try {
        parse_subnet("172.20.0.1/16");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("it should be 172.20.0.0/16"), std::string::npos);
    }
}

TEST(LiteSubnet, Overlaps) {
    EXPECT_TRUE(parse_subnet("10.0.0.0/16").overlaps(parse_subnet("10.0.5.0/24")));
    EXPECT_TRUE(parse_subnet("10.0.5.0/24").overlaps(parse_subnet("10.0.0.0/16")));
    EXPECT_FALSE(parse_subnet("10.0.0.0/24").overlaps(parse_subnet("10.0.1.0/24")));
}

TEST(LitePorts, DockerSyntax) {
    PortMapping p = parse_publish("8080:80");
    EXPECT_EQ(p.host_port, 8080);
    EXPECT_EQ(p.container_port, 80);
    EXPECT_EQ(p.protocol, "tcp");
    EXPECT_EQ(p.host_ip, "");
    p = parse_publish("127.0.0.1:5353:53/udp");
    EXPECT_EQ(p.host_ip, "127.0.0.1");
    EXPECT_EQ(p.protocol, "udp");
    EXPECT_EQ(port_text(p), "127.0.0.1:5353->53/udp");
    EXPECT_EQ(port_line(p), "53/udp -> 127.0.0.1:5353");
    p = parse_publish("80");
    EXPECT_EQ(p.host_port, 0);
    p = parse_publish("127.0.0.1::80");
    EXPECT_EQ(p.host_port, 0);
    EXPECT_EQ(p.host_ip, "127.0.0.1");
    EXPECT_THROW(parse_publish("80/sctp"), Error);
    EXPECT_THROW(parse_publish("70000:80"), Error);
    EXPECT_THROW(parse_publish("8080-8081:80"), Error);
    EXPECT_THROW(parse_publish("x:80:80"), Error);
    EXPECT_THROW(parse_publish(""), Error);
}

TEST(LitePorts, Clash) {
    EXPECT_TRUE(ports_clash(parse_publish("8080:80"), parse_publish("127.0.0.1:8080:81")));
    EXPECT_FALSE(ports_clash(parse_publish("127.0.0.2:8080:80"), parse_publish("127.0.0.1:8080:81")));
    EXPECT_FALSE(ports_clash(parse_publish("8080:80"), parse_publish("8080:80/udp")));
}

TEST(LitePorts, PublishExposed) {
    // -P: a free host port for each exposed tcp/udp port that -p does not publish already.
    auto out = publish_exposed({"80/tcp", "53/udp", "8080", "7/sctp", "x/tcp", "70000/tcp"}, {parse_publish("9000:80")});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], parse_publish("9000:80"));
    EXPECT_EQ(out[1], parse_publish("53/udp"));
    EXPECT_EQ(out[2], parse_publish("8080"));
    EXPECT_EQ(out[1].host_port, 0);
    EXPECT_TRUE(publish_exposed({}, {}).empty());
}

TEST(LiteCni, ConflistAndPluginConf) {
    NetworkRecord n{"appnet", std::string(64, 'a'), "bridge", "172.18.0.0/16", "172.18.0.1", "wbl-aaaa", ""};
    json list = network_conflist(n, "/run/x/ipam");
    EXPECT_EQ(list["name"], "appnet");
    ASSERT_EQ(list["plugins"].size(), 3u);
    EXPECT_EQ(list["plugins"][0]["type"], "bridge");
    EXPECT_EQ(list["plugins"][0]["ipam"]["ranges"][0][0]["subnet"], "172.18.0.0/16");
    EXPECT_EQ(list["plugins"][0]["ipam"]["dataDir"], "/run/x/ipam");
    EXPECT_EQ(list["plugins"][0]["ipMasq"], false);  // the network's own rule masquerades
    json rc = {{"portMappings", json::array({{{"hostPort", 8080}, {"containerPort", 80}, {"protocol", "tcp"}}})}};
    json prev = {{"cniVersion", "1.0.0"}, {"ips", json::array()}};
    // Only plugins declaring the capability get the runtimeConfig entry.
    json bridge = cni_plugin_conf(list, list["plugins"][0], rc, nullptr);
    EXPECT_EQ(bridge["name"], "appnet");
    EXPECT_EQ(bridge["cniVersion"], "1.0.0");
    EXPECT_FALSE(bridge.contains("runtimeConfig"));
    EXPECT_FALSE(bridge.contains("prevResult"));
    json portmap = cni_plugin_conf(list, list["plugins"][1], rc, prev);
    EXPECT_EQ(portmap["runtimeConfig"]["portMappings"][0]["hostPort"], 8080);
    EXPECT_EQ(portmap["prevResult"], prev);
}

TEST(LiteMasquerade, OneChainPerNetworkInstalledAndRemovedInOneTransaction) {
    NetworkRecord n{"appnet", std::string(64, 'a'), "bridge", "172.18.0.0/16", "172.18.0.1", "wbl-aaaa", ""};
    EXPECT_EQ(masquerade_chain_name(n.bridge), "masq-wbl-aaaa");
    EXPECT_EQ(masquerade_install_commands(n),
              "add table ip whalebox-lite\n"
              "add chain ip whalebox-lite masq-wbl-aaaa { type nat hook postrouting priority srcnat; }\n"
              "flush chain ip whalebox-lite masq-wbl-aaaa\n"
              "add rule ip whalebox-lite masq-wbl-aaaa ip saddr 172.18.0.0/16 oifname != \"wbl-aaaa\" masquerade\n");
    // Made first, so the delete never fails on a chain that is not there.
    EXPECT_EQ(masquerade_remove_commands(n),
              "add table ip whalebox-lite\n"
              "add chain ip whalebox-lite masq-wbl-aaaa { type nat hook postrouting priority srcnat; }\n"
              "flush chain ip whalebox-lite masq-wbl-aaaa\n"
              "delete chain ip whalebox-lite masq-wbl-aaaa\n");
}

TEST(LiteCni, MissingPluginIsAClearError) {
    try {
        cni_invoke("VERSION", {{"type", "no-such-plugin"}}, {"id", "", "", ""});
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-plugin not found"), std::string::npos);
    }
}

}  // namespace
}  // namespace wb::lite
