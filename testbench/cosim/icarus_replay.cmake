# ctest script: records a short random co-simulation (inputs and the model's outputs, every cycle), then replays it
# into the same RTL under Icarus Verilog, which must reproduce every output. Variables: COSIM, IVERILOG, VVP, RTL_DIR,
# WORK.
set(cycles 3000)
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${COSIM} --random ${cycles} --seed 5 --quiet --record-stimulus ${WORK}/stim.txt
                        --icarus-tb ${WORK}/tb.sv
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mmucosim failed (${rc})")
endif()
include(${RTL_DIR}/rtl_sources.cmake)
mmu_rtl_sources(rtl ${RTL_DIR})
execute_process(COMMAND ${IVERILOG} -g2012 -I${RTL_DIR} -o ${WORK}/tb.vvp ${WORK}/tb.sv ${rtl}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iverilog failed:\n${out}")
endif()
execute_process(COMMAND ${VVP} -n ${WORK}/tb.vvp +stim=${WORK}/stim.txt
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "icarus replay: ${cycles} cycles, 0 mismatches")
  message(FATAL_ERROR "the Icarus replay differs from the recording")
endif()
