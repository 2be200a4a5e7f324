# vertebra_add_plugin(): builds a therapy module as a Boost.DLL plugin directory (see docs/plugin-guide.md).
include_guard(GLOBAL)

# Must equal vertebra::plugin_api::kApiVersion (core/include/vertebra/plugin_api/abi.hpp); every
# plugin compiles a static_assert that checks it.
set(VERTEBRA_PLUGIN_API_VERSION 2)
set(_VERTEBRA_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

# vertebra_add_plugin(<id>
#     SOURCES src...                 C++ sources of the module
#     [NAME "Human name"]            default: <id>
#     [VERSION x.y.z]                default: PROJECT_VERSION
#     [DESCRIPTION "..."]
#     [DEPENDS other_id...]          plugins that must be running first
#     [MANIFEST plugin.json.in]      template (configure_file @ONLY); default: generated
#     [DATA_DIR data]                rule data copied to <plugin dir>/data; default: ./data if any
#     [OUTPUT_DIR dir]               parent of the plugin directory; default VERTEBRA_PLUGIN_BUILD_DIR
#                                    (or ${CMAKE_BINARY_DIR}/plugins)
#     [TARGET name]                  CMake target; default vertebra_plugin_<id>
#     [LINK_LIBRARIES libs...]
#     [NO_INSTALL])                  test fixtures
#
# Produces <OUTPUT_DIR>/<id>/{<id>.so, plugin.json, data/}; installs the same layout under
# ${CMAKE_INSTALL_LIBDIR}/vertebra/plugins/<id>/. Variables available to a MANIFEST template:
# @VERTEBRA_PLUGIN_ID@ @VERTEBRA_PLUGIN_NAME@ @VERTEBRA_PLUGIN_VERSION@
# @VERTEBRA_PLUGIN_API_VERSION@ @VERTEBRA_PLUGIN_LIBRARY@ @VERTEBRA_PLUGIN_DESCRIPTION@
function(vertebra_add_plugin id)
  cmake_parse_arguments(P "NO_INSTALL" "NAME;VERSION;DESCRIPTION;MANIFEST;DATA_DIR;OUTPUT_DIR;TARGET"
                        "SOURCES;DEPENDS;LINK_LIBRARIES" ${ARGN})
  if(NOT id MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "vertebra_add_plugin: id '${id}' must be lower_snake_case")
  endif()
  if(NOT P_SOURCES)
    message(FATAL_ERROR "vertebra_add_plugin(${id}): SOURCES is required")
  endif()
  if(NOT P_NAME)
    set(P_NAME ${id})
  endif()
  if(NOT P_VERSION)
    set(P_VERSION ${PROJECT_VERSION})
  endif()
  if(NOT P_VERSION)
    set(P_VERSION 0.0.0)
  endif()
  if(NOT P_TARGET)
    set(P_TARGET vertebra_plugin_${id})
  endif()
  if(NOT P_OUTPUT_DIR)
    if(VERTEBRA_PLUGIN_BUILD_DIR)
      set(P_OUTPUT_DIR ${VERTEBRA_PLUGIN_BUILD_DIR})
    else()
      set(P_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
    endif()
  endif()
  if(NOT DEFINED P_DATA_DIR AND IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/data)
    set(P_DATA_DIR data)
  endif()
  set(out ${P_OUTPUT_DIR}/${id})

  add_library(${P_TARGET} MODULE ${P_SOURCES})
  if(TARGET vertebra_core)
    target_link_libraries(${P_TARGET} PRIVATE vertebra_core)
  else()
    target_link_libraries(${P_TARGET} PRIVATE vertebra::core)
  endif()
  target_link_libraries(${P_TARGET} PRIVATE ${P_LINK_LIBRARIES})
  target_compile_definitions(${P_TARGET} PRIVATE
    BOOST_DLL_USE_STD_FS
    VERTEBRA_PLUGIN_MANIFEST_API_VERSION=${VERTEBRA_PLUGIN_API_VERSION}
    VERTEBRA_PLUGIN_ID="${id}")
  set_target_properties(${P_TARGET} PROPERTIES
    PREFIX "" OUTPUT_NAME ${id} SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY ${out}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    INSTALL_RPATH "$ORIGIN/../..")
  if(NOT VERTEBRA_PLUGIN_ALLOW_UNDEFINED)
    target_link_options(${P_TARGET} PRIVATE LINKER:--no-undefined)
  endif()
  if(COMMAND vertebra_warnings)
    vertebra_warnings(${P_TARGET})
  endif()
  # API structs have default member initialisers; brace-initialising their first members is the
  # intended style ({"key", "Name", 30, ...}), so do not warn about the rest.
  target_compile_options(${P_TARGET} PRIVATE -Wno-missing-field-initializers)

  # plugin.json: from the template, or generated, so versions cannot drift from CMake.
  set(VERTEBRA_PLUGIN_ID ${id})
  set(VERTEBRA_PLUGIN_NAME ${P_NAME})
  set(VERTEBRA_PLUGIN_VERSION ${P_VERSION})
  set(VERTEBRA_PLUGIN_LIBRARY ${id}.so)
  set(VERTEBRA_PLUGIN_DESCRIPTION "${P_DESCRIPTION}")
  if(P_MANIFEST)
    configure_file(${P_MANIFEST} ${out}/plugin.json @ONLY)
  else()
    set(deps "")
    foreach(d ${P_DEPENDS})
      if(deps)
        string(APPEND deps ", ")
      endif()
      string(APPEND deps "\"${d}\"")
    endforeach()
    file(CONFIGURE OUTPUT ${out}/plugin.json CONTENT [[{
  "id": "@VERTEBRA_PLUGIN_ID@",
  "name": "@VERTEBRA_PLUGIN_NAME@",
  "version": "@VERTEBRA_PLUGIN_VERSION@",
  "api_version": @VERTEBRA_PLUGIN_API_VERSION@,
  "library": "@VERTEBRA_PLUGIN_LIBRARY@",
  "description": "@VERTEBRA_PLUGIN_DESCRIPTION@",
  "dependencies": [@deps@]
}
]] @ONLY)
  endif()

  # Rule data: copied whenever a file changes.
  if(P_DATA_DIR)
    get_filename_component(data_src ${P_DATA_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    file(GLOB_RECURSE data_files CONFIGURE_DEPENDS ${data_src}/*)
    set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${P_TARGET}_data.stamp)
    add_custom_command(OUTPUT ${stamp}
      COMMAND ${CMAKE_COMMAND} -E rm -rf ${out}/data
      COMMAND ${CMAKE_COMMAND} -E copy_directory ${data_src} ${out}/data
      COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
      DEPENDS ${data_files}
      COMMENT "Copying rule data of plugin ${id}")
    add_custom_target(${P_TARGET}_data DEPENDS ${stamp})
    add_dependencies(${P_TARGET} ${P_TARGET}_data)
  endif()

  if(NOT P_NO_INSTALL)
    if(DEFINED VERTEBRA_INSTALL_PLUGIN_DIR)
      set(dest ${VERTEBRA_INSTALL_PLUGIN_DIR}/${id})
    else()
      include(GNUInstallDirs)
      set(dest ${CMAKE_INSTALL_LIBDIR}/vertebra/plugins/${id})
    endif()
    install(TARGETS ${P_TARGET} LIBRARY DESTINATION ${dest})
    install(FILES ${out}/plugin.json DESTINATION ${dest})
    if(P_DATA_DIR)
      install(DIRECTORY ${data_src}/ DESTINATION ${dest}/data)
    endif()
  endif()
endfunction()

# Writes ${CMAKE_BINARY_DIR}/VertebraConfig.cmake so that a plugin can be built out of tree
# against this build tree: cmake -DVertebra_DIR=<this build dir> (docs/plugin-guide.md).
function(vertebra_export_build_tree)
  # An imported target may not name include dirs that do not exist (e.g. an empty generated dir).
  get_target_property(incs vertebra_core INTERFACE_INCLUDE_DIRECTORIES)
  foreach(i IN LISTS incs)
    string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" d "${i}")
    string(FIND "${d}" "${CMAKE_BINARY_DIR}" at)
    if(at EQUAL 0)
      file(MAKE_DIRECTORY ${d})
    endif()
  endforeach()
  export(TARGETS vertebra_core NAMESPACE vertebra:: FILE ${CMAKE_BINARY_DIR}/VertebraTargets.cmake)
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/VertebraConfig.cmake CONTENT [[
# Vertebra build tree, for plugins built out of tree. Generated by cmake/VertebraPlugin.cmake.
include(CMakeFindDependencyMacro)
find_dependency(Boost 1.74)
find_dependency(date CONFIG)
find_dependency(nlohmann_json CONFIG)
if(NOT TARGET vertebra::core)
  include(${CMAKE_CURRENT_LIST_DIR}/VertebraTargets.cmake)
  add_library(vertebra::core INTERFACE IMPORTED)
  target_link_libraries(vertebra::core INTERFACE vertebra::vertebra_core)
endif()
include("@_VERTEBRA_PLUGIN_CMAKE_DIR@/VertebraPlugin.cmake")
set(Vertebra_VERSION "@PROJECT_VERSION@")
]] @ONLY)
endfunction()
