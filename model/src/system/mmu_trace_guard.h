#ifndef MMU_TRACE_GUARD_H
#define MMU_TRACE_GUARD_H

/*
 * A trace file that is mapped (mmu_trace.c, trace_stream_map) and then truncated by another program raises SIGBUS at
 * the first access past its new end, which would end the process. The readers of mapped traces run their reads
 * inside trace_guard_call: such a SIGBUS in that thread, during that call, makes the call return
 * TRACE_GUARD_TRUNCATED instead. A SIGBUS anywhere else meets the disposition the process had before.
 */
enum { TRACE_GUARD_TRUNCATED = -1000 };

/* fn(arg)'s result, or TRACE_GUARD_TRUNCATED if it touched a page the file no longer has. */
long trace_guard_call(long (*fn)(void *arg), void *arg);

#endif
