#ifndef MMU_TRACE_H
#define MMU_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Trace readers. Formats:
 *   lackey  Valgrind lackey --trace-mem=yes: "I  0401ab70,3", " L 04222cac,8", " S ...", " M ..."; "==pid==" banner
 *           lines are skipped.
 *   text    "R|W|X <hex vaddr> [pid]" (load, store, fetch; pid decimal, default 1).
 * Either may be gzip-compressed (detected from the content, not the name). "-" reads standard input.
 * Any other line is an error that names the file, the line number and what is wrong.
 *   champsim             ChampSim's 64-byte instruction record; champsim-cloudsuite: its 96-byte CloudSuite record,
 *                        whose asid[0] is the process. Each record: the fetch of ip, its loads, then its stores
 *                        (mmu_trace_champsim.c). A record cut short at the end is an error naming its byte offset.
 *   din                  Dinero's "LABEL ADDRESS [SIZE]" (mmu_trace_din.c).
 * These three are read plain or compressed with gzip, xz or bzip2 (detected from the content, not the name).
 * MMU_TRACE_AUTO picks champsim for a regular file with a NUL byte in its first 4 KiB and din for one whose first
 * line begins with a digit; CloudSuite records are never picked (they cannot be told from the standard ones
 * reliably), nor any of these three on standard input: give the format there.
 */
typedef enum {
	MMU_TRACE_AUTO = 0,
	MMU_TRACE_LACKEY = 1,
	MMU_TRACE_TEXT = 2,
	MMU_TRACE_CHAMPSIM = 3,
	MMU_TRACE_CLOUDSUITE = 4,
	MMU_TRACE_DIN = 5,
} mmu_trace_format_t;

typedef enum {
	MMU_REF_LOAD = 0,
	MMU_REF_STORE = 1,
	MMU_REF_FETCH = 2,
	MMU_REF_MODIFY = 3, /* lackey M: a load and a store to the same address, one translation (as a store) */
} mmu_ref_kind_t;

typedef struct mmu_trace_rec {
	uint64_t vaddr;
	uint32_t size; /* bytes; 1 for the text format */
	uint32_t pid;  /* 1 unless the trace says otherwise */
	uint8_t kind;  /* mmu_ref_kind_t */
} mmu_trace_rec_t;

typedef struct mmu_trace mmu_trace_t;

/* Opens a trace. MMU_TRACE_AUTO picks the format from the first line that is not a banner. */
int mmu_trace_open(const char *path, mmu_trace_format_t fmt, mmu_trace_t **out, char *msg, size_t msglen);
void mmu_trace_close(mmu_trace_t *t);

/*
 * Reads up to max records. Returns the number read (0 at the end of the trace), or a negative error code with msg
 * set to "FILE:LINE: what is wrong".
 */
long mmu_trace_read(mmu_trace_t *t, mmu_trace_rec_t *recs, size_t max, char *msg, size_t msglen);

/*
 * Line number of the last line read (ChampSim: instruction records read), and compressed bytes consumed so far (for
 * progress).
 */
uint64_t mmu_trace_line(const mmu_trace_t *t);
uint64_t mmu_trace_bytes(const mmu_trace_t *t);
/*
 * The number of the last line if it had no newline (a trace cut short, or a hand-written file), else 0. Such a line is
 * still parsed: this only lets the caller warn. Known once the reader has reached the end of the input.
 */
uint64_t mmu_trace_unterminated(const mmu_trace_t *t);
/*
 * Where record n (counted from 1) of a trace is, for a message about a record its caller refuses: "FILE:LINE" found
 * by reading the file again up to that record (an error path only), or "FILE: record N" for standard input ("-").
 */
void mmu_trace_locate(const char *path, mmu_trace_format_t fmt, uint64_t n, char *buf, size_t buflen);
/* Total size of the file in bytes (compressed, as on disk), or 0 if unknown (stdin, pipe). */
uint64_t mmu_trace_file_size(const mmu_trace_t *t);
/*
 * The trace's content, decompressed, once the reader has reached its end: its CRC-32 (zlib's crc32, the one gzip
 * stores in its trailer and `gzip -lv` shows) and its size in bytes. They identify the trace however it was
 * compressed. For a gzip file the CRC is its trailer's, which zlib checked while reading (a file of several gzip
 * members is read again); for other input it is computed while reading.
 */
uint32_t mmu_trace_crc32(const mmu_trace_t *t);
uint64_t mmu_trace_content_bytes(const mmu_trace_t *t);

mmu_trace_format_t mmu_trace_format(const mmu_trace_t *t);
const char *mmu_trace_format_name(mmu_trace_format_t fmt);
/* "lackey", "text", "champsim", "champsim-cloudsuite", "din" or "auto" to the enum; returns -1 for an unknown name. */
int mmu_trace_format_parse(const char *name);

#endif
