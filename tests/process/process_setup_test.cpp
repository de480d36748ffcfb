#include "process/process_setup.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wb::process {
namespace {

TEST(ProcessEnvironment, ADuplicateKeyKeepsItsFirstPlaceAndItsLastValue) {
    EXPECT_EQ(process_environment({"A=1", "B=2", "A=3", "C", "A=", "C"}),
              (std::vector<std::string>{"A=", "B=2", "C"}));
    EXPECT_EQ(process_environment({"PATH=/bin", "X=a=b"}), (std::vector<std::string>{"PATH=/bin", "X=a=b"}));
    EXPECT_TRUE(process_environment({}).empty());
}

}  // namespace
}  // namespace wb::process
