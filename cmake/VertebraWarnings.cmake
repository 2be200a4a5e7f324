# Project-wide warning flags, applied to our own targets only.
function(vertebra_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wno-unused-parameter)
endfunction()
