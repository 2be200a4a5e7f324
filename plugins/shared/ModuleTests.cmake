# vertebra_module_tests(<id> [rule sources...]): one GoogleTest executable per therapy module from
# plugins/<id>/tests/*_test.cpp. Pure rule sources are compiled in; the load tests open the REAL
# plugin through the host from the build tree's plugin directory.
include_guard(GLOBAL)

function(vertebra_module_tests id)
  enable_testing()  # plugins/ is added before the top level enables testing
  find_package(GTest REQUIRED)
  include(GoogleTest)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/*_test.cpp)
  if(NOT tests)
    return()
  endif()
  set(target vertebra_${id}_tests)
  set(_VERTEBRA_SHARED_DIR ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  add_executable(${target} ${tests} ${ARGN})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src ${_VERTEBRA_SHARED_DIR})
  target_link_libraries(${target} PRIVATE vertebra_core GTest::gtest GTest::gtest_main)
  set(plugin_dir ${VERTEBRA_PLUGIN_BUILD_DIR})
  if(NOT plugin_dir)
    set(plugin_dir ${CMAKE_BINARY_DIR}/plugins)
  endif()
  target_compile_definitions(${target} PRIVATE
    BOOST_DLL_USE_STD_FS
    VERTEBRA_MODULE_ID="${id}"
    VERTEBRA_MODULE_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}"
    VERTEBRA_MODULE_PLUGIN_DIR="${plugin_dir}")
  add_dependencies(${target} vertebra_plugin_${id})
  if(COMMAND vertebra_warnings)
    vertebra_warnings(${target})
  endif()
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60)
endfunction()
