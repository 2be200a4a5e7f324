# Configures and builds docs/examples/hello_plugin out of tree, as a plugin author would.
file(REMOVE_RECURSE ${BIN})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G ${GENERATOR}
                        -DCMAKE_CXX_COMPILER=${CXX} -DVertebra_DIR=${Vertebra_DIR}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the hello_plugin example failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the hello_plugin example failed (${rc})")
endif()
