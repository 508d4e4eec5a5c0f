# The model's sources and private include folders, named once for every build that compiles them: the library
# (model/CMakeLists.txt), the co-simulation's parameter helper (sim/cosim) and the fuzz build (testbench/fuzz).
#   hw/      the MMU's blocks, each named as its RTL twin (mmu_top, mmu_port, mmu_miss, mmu_ptw, mmu_tlb), the
#            page-walk caches, the fast path, the paging-mode table and the statistics
#   mem/     the memory the walker reads (latency, back-pressure, its data cache) and sparse physical memory
#   os/      the OS side: processes and page tables, demand paging, huge pages, the memory limit, OSTEP dumps
#   config/  configuration keys, files, presets and the one builder every front end uses
#   system/  what drives the MMU: the requester, the port driver, the trace system (mmu_sim), the trace readers
set(MMU_MODEL_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB MMU_MODEL_SOURCES CONFIGURE_DEPENDS ${MMU_MODEL_DIR}/src/*.c ${MMU_MODEL_DIR}/src/*/*.c)
set(MMU_MODEL_PRIVATE_INCLUDES
    ${MMU_MODEL_DIR}/src ${MMU_MODEL_DIR}/src/hw ${MMU_MODEL_DIR}/src/mem ${MMU_MODEL_DIR}/src/os
    ${MMU_MODEL_DIR}/src/config ${MMU_MODEL_DIR}/src/system ${MMU_MODEL_DIR}/internal)
# The libraries the model links, the same in every build; each project finds them first (the top-level
# CMakeLists.txt and the fuzz build's own): zlib, liblzma, libbz2 and ISA-L for compressed traces, inih for
# configuration files, cJSON for JSON.
set(MMU_MODEL_LIBRARIES ZLIB::ZLIB LibLZMA::LibLZMA BZip2::BZip2 PkgConfig::ISAL PkgConfig::INIH PkgConfig::CJSON m)
