# ctest script: the co-simulation's trace replay drives the ports as mmusim drives its model (T14, demand paging,
# CR3 writes on pid changes), so both must count the same number of cycles on the same trace and configuration.
# Variables: COSIM, MMUSIM, TRACE, CONFIG.
execute_process(COMMAND ${MMUSIM} run --trace ${TRACE} --format text --config ${CONFIG} --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE json ERROR_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmusim failed (${rc})")
endif()
string(JSON sim_cycles GET "${json}" cycles)
execute_process(COMMAND ${COSIM} --trace ${TRACE} --format text RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmucosim failed (${rc})")
endif()
string(REGEX MATCH "seed [0-9]+: ([0-9]+) cycles, 0 mismatches" line "${out}")
if(NOT line)
  message(FATAL_ERROR "no cycle count in:\n${out}")
endif()
message("mmusim ${sim_cycles} cycles, mmucosim ${CMAKE_MATCH_1} cycles")
if(NOT sim_cycles EQUAL CMAKE_MATCH_1)
  message(FATAL_ERROR "the trace replay and mmusim disagree")
endif()
