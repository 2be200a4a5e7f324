// Runs the GUI tests inside a wx application; a failed wx assert fails the test, never a dialog.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#include <wx/app.h>
#include <wx/image.h>

#include "vertebra/ui/calendar_presenter.hpp"

namespace {

class GuiTestApp : public wxApp {
public:
    bool OnInit() override {
        wxInitAllImageHandlers();
        return true;
    }
    void OnAssertFailure(const wxChar* file, int line, const wxChar* func, const wxChar* cond,
                         const wxChar* msg) override {
        ADD_FAILURE() << "wx assertion failed: " << wxString(file).utf8_str() << ":" << line << " "
                      << wxString(func).utf8_str() << ": " << wxString(cond).utf8_str() << " "
                      << wxString(msg).utf8_str();
    }
    bool OnExceptionInMainLoop() override {
        try {
            throw;
        } catch (...) {
            ADD_FAILURE() << "exception in an event handler: "
                          << vertebra::ui::error_sentence(std::current_exception());
        }
        return true;
    }
};

}  // namespace

wxIMPLEMENT_APP_NO_MAIN(GuiTestApp);

int main(int argc, char** argv) {
    bool listing = false;
    bool xvfb_if_needed = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--xvfb-if-needed") == 0) {
            xvfb_if_needed = true;
            continue;
        }
        if (std::strcmp(argv[i], "--gtest_list_tests") == 0) listing = true;
        args.push_back(argv[i]);
    }
    const char* display = std::getenv("DISPLAY");
    if (!listing && xvfb_if_needed && (!display || !*display)) {
        // No X server (e.g. ctest outside tests/run): start our own Xvfb.
        std::vector<const char*> cmd = {"xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"};
        for (char* a : args) cmd.push_back(a);
        cmd.push_back(nullptr);
        execvp("xvfb-run", const_cast<char* const*>(cmd.data()));
        perror("xvfb-run");
        return 1;
    }
    int n = static_cast<int>(args.size());
    args.push_back(nullptr);
    ::testing::InitGoogleTest(&n, args.data());
    if (listing) return RUN_ALL_TESTS();
    if (!wxEntryStart(n, args.data())) {
        std::fprintf(stderr, "cannot start wx (is there an X display?)\n");
        return 1;
    }
    wxTheApp->CallOnInit();
    const int rc = RUN_ALL_TESTS();
    wxTheApp->OnExit();
    wxEntryCleanup();
    return rc;
}
