// Entry point of `vertebra`: parses the command line before wx starts, then runs the app.
#include <iostream>
#include <string>
#include <vector>

#include "desktop_app.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/ui/desktop_session.hpp"

wxIMPLEMENT_APP_NO_MAIN(vertebra::ui::DesktopApp);

int main(int argc, char** argv) {
    using namespace vertebra;
    std::vector<std::string> args(argv + 1, argv + argc);
    ui::DesktopOptions options;
    try {
        options = ui::parse_desktop_options(args);
    } catch (const Error& e) {
        std::cerr << "vertebra: " << e.what() << "\n" << ui::desktop_usage();
        return e.exit_code();
    }
    if (options.help) {
        std::cout << ui::desktop_usage();
        return 0;
    }
    ui::DesktopApp::set_options(options);
    // wx sees only the program name: our options are already handled.
    int wx_argc = 1;
    const int rc = wxEntry(wx_argc, argv);
    return ui::DesktopApp::startup_failure() ? ui::DesktopApp::startup_failure() : rc;
}
