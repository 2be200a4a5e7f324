// Menu and keyboard command ids of the main window, shared by the frame and its views.
#pragma once

#include <wx/defs.h>

namespace vertebra::ui {

enum CommandId : int {
    kCmdToday = wxID_HIGHEST + 1,
    kCmdPrevious,
    kCmdNext,
    kCmdGoToDate,
    kCmdDayView,
    kCmdWeekView,
    kCmdByRoom,
    kCmdShowCancelled,
    kCmdRefresh,
    kCmdNewBooking,
    kCmdArrive,
    kCmdStart,
    kCmdComplete,
    kCmdCancelAppointment,
    kCmdNoShow,
    kCmdDescribe,
    kCmdPrintDaySheet,
    kCmdShortcuts,
    kCmdModules,
    kCmdConnect,
    kCmdOpenChart,
    kCmdFindPatient,
    kCmdWriteNote,
    kCmdUsers,
    kCmdLock,
    kCmdFees,
};

}  // namespace vertebra::ui
