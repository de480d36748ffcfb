#include "lite/argv_split.hpp"

namespace wb::lite {

std::vector<std::string> split_command_args(const std::vector<std::string>& args, size_t from,
                                            const FlagSyntax& syntax) {
    for (size_t i = from; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") return args;
        if (a.size() > 1 && a[0] == '-') {
            if (a.rfind("--", 0) == 0) {
                if (a.find('=') == std::string::npos && syntax.value_options.count(a)) ++i;
                continue;
            }
            // A cluster of short flags: -dit, or -m64m with its value attached.
            for (size_t k = 1; k < a.size(); ++k) {
                if (syntax.value_options.count(std::string("-") + a[k])) {
                    if (k + 1 == a.size()) ++i;  // the value is the next argument
                    break;
                }
            }
            continue;
        }
        std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(i));
        out.push_back("--");
        out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
        return out;
    }
    return args;
}

}  // namespace wb::lite
