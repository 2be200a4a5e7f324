// Saves what a window shows as a PNG (for --screenshot, GUI tests and docs/screenshots).
#include "screenshot.hpp"

#include <set>

#include <wx/dcmemory.h>
#include <wx/dcscreen.h>
#include <wx/filename.h>
#include <wx/image.h>
#include <wx/frame.h>
#include <wx/menu.h>
#include <wx/toplevel.h>

// Last: Xlib defines macros (None, Bool, Status) that clash with wx headers.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

namespace vertebra::ui {

namespace {

int shift_of(unsigned long mask) {
    int s = 0;
    while (mask && !(mask & 1)) {
        mask >>= 1;
        ++s;
    }
    return s;
}

// Reads the X server's current pixels. (wxScreenDC under GTK3 returned the first capture again
// for later grabs in the same process, so every screenshot showed the first window.)
wxBitmap grab_x11(const wxRect& r) {
    Display* d = XOpenDisplay(nullptr);
    if (!d) return wxBitmap();
    const Window root = DefaultRootWindow(d);
    XWindowAttributes ra;
    XGetWindowAttributes(d, root, &ra);
    const wxRect screen(0, 0, ra.width, ra.height);
    const wxRect c = r.Intersect(screen);
    wxBitmap out;
    if (!c.IsEmpty()) {
        if (XImage* img = XGetImage(d, root, c.x, c.y, static_cast<unsigned>(c.width),
                                    static_cast<unsigned>(c.height), AllPlanes, ZPixmap)) {
            wxImage image(c.width, c.height, false);
            unsigned char* px = image.GetData();
            const int rs = shift_of(img->red_mask), gs = shift_of(img->green_mask),
                      bs = shift_of(img->blue_mask);
            const unsigned long rm = img->red_mask >> rs, gm = img->green_mask >> gs,
                                bm = img->blue_mask >> bs;
            for (int y = 0; y < c.height; ++y) {
                for (int x = 0; x < c.width; ++x) {
                    const unsigned long p = XGetPixel(img, x, y);
                    *px++ = static_cast<unsigned char>(((p & img->red_mask) >> rs) * 255 / rm);
                    *px++ = static_cast<unsigned char>(((p & img->green_mask) >> gs) * 255 / gm);
                    *px++ = static_cast<unsigned char>(((p & img->blue_mask) >> bs) * 255 / bm);
                }
            }
            XDestroyImage(img);
            out = wxBitmap(image);
        }
    }
    XCloseDisplay(d);
    return out;
}

}  // namespace

wxBitmap grab_window(wxWindow* w) {
    if (!w || !w->IsShownOnScreen()) return wxBitmap();
    w->Update();
    wxRect r = w->GetScreenRect();
    // dynamic_cast, not wxDynamicCast: the macro static_casts to the target type before it checks,
    // which is undefined for a dialog cast to wxFrame (UBSan: "downcast ... not a wxFrame").
    if (auto* tlw = dynamic_cast<wxTopLevelWindow*>(w)) {
        // The client area with menu bar and status bar, without the window manager's frame.
        r = wxRect(tlw->ClientToScreen(wxPoint(0, 0)), tlw->GetClientSize());
        if (auto* frame = dynamic_cast<wxFrame*>(w); frame && frame->GetMenuBar()) {
            wxWindow* mb = frame->GetMenuBar();
            const wxRect mr = mb->GetScreenRect();
            if (mr.height > 0 && mr.y < r.y) {
                r.height += r.y - mr.y;
                r.y = mr.y;
            }
        }
    }
    if (r.width <= 0 || r.height <= 0) return wxBitmap();
    if (wxBitmap b = grab_x11(r); b.IsOk()) return b;
    wxScreenDC screen;
    wxBitmap bmp(r.width, r.height, 24);
    wxMemoryDC mem(bmp);
    if (!mem.Blit(0, 0, r.width, r.height, &screen, r.x, r.y)) return wxBitmap();
    mem.SelectObject(wxNullBitmap);
    return bmp;
}

bool save_window_png(wxWindow* w, const wxString& path, wxString* error) {
    const wxBitmap bmp = grab_window(w);
    if (!bmp.IsOk()) {
        if (error) *error = _("The window could not be captured: is it shown on a display?");
        return false;
    }
    const wxFileName fn(path);
    if (!fn.GetPath().empty() && !wxFileName::DirExists(fn.GetPath()))
        wxFileName::Mkdir(fn.GetPath(), wxS_DIR_DEFAULT, wxPATH_MKDIR_FULL);
    if (!bmp.ConvertToImage().SaveFile(path, wxBITMAP_TYPE_PNG)) {
        if (error) *error = wxString::Format(_("The screenshot could not be written to %s."), path);
        return false;
    }
    return true;
}

int distinct_colours(const wxBitmap& b, int cap) {
    if (!b.IsOk()) return 0;
    const wxImage img = b.ConvertToImage();
    const unsigned char* p = img.GetData();
    const long n = static_cast<long>(img.GetWidth()) * img.GetHeight();
    std::set<unsigned> seen;
    for (long i = 0; i < n && static_cast<int>(seen.size()) < cap; i += 7)
        seen.insert((p[3 * i] << 16) | (p[3 * i + 1] << 8) | p[3 * i + 2]);
    return static_cast<int>(seen.size());
}

}  // namespace vertebra::ui
