// hugetlb: hugetlb.<size>.limit_in_bytes ("2MB" is the file's spelling as in the spec).
#include "cgroups/v1/controllers.hpp"

namespace wb::cgroups::v1 {

void apply_hugetlb(const Files& f, const std::string& dir,
                   const std::vector<oci::HugepageLimit>& limits) {
    for (const auto& l : limits) {
        std::string base = "hugetlb." + l.page_size;
        f.write(dir, base + ".limit_in_bytes", std::to_string(l.limit));
        if (has_file(dir, base + ".rsvd.limit_in_bytes"))
            f.write(dir, base + ".rsvd.limit_in_bytes", std::to_string(l.limit));
    }
}

void stat_hugetlb(const std::string& dir, Stats& s) {
    const std::string pre = "hugetlb.", suf = ".usage_in_bytes";
    for (const auto& name : list_files(dir)) {
        if (name.size() <= pre.size() + suf.size() || name.compare(0, pre.size(), pre) != 0 ||
            name.compare(name.size() - suf.size(), suf.size(), suf) != 0)
            continue;
        std::string size = name.substr(pre.size(), name.size() - pre.size() - suf.size());
        if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.usage_in_bytes
        s.hugetlb_usage[size] = read_u64(dir, name);
    }
}

}  // namespace wb::cgroups::v1
