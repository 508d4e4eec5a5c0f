/*
 * ChampSim's instruction records (the layout of ChampSim's inc/trace_instruction.h, as C lays those structs out on
 * x86-64: little-endian, naturally aligned).
 *
 *   standard, 64 bytes                    CloudSuite, 96 bytes
 *    0  ip                        u64      0  ip                        u64
 *    8  is_branch, branch_taken   u8 x 2   8  is_branch, branch_taken   u8 x 2
 *   10  destination_registers     u8 x 2  10  destination_registers     u8 x 4
 *   12  source_registers          u8 x 4  14  source_registers          u8 x 4
 *   16  destination_memory        u64 x 2 18  (padding)                 6 bytes
 *   32  source_memory             u64 x 4 24  destination_memory        u64 x 4
 *                                         56  source_memory             u64 x 4
 *                                         88  asid                      u8 x 2
 *                                         90  (padding)                 6 bytes
 *
 * One record gives, in this order: the instruction fetch of ip; its loads (source_memory in slot order); its stores
 * (destination_memory in slot order). A zero address is an unused slot; a zero ip is a record without a fetch (the
 * lackey converter writes those when one instruction's accesses do not fit one record). A load whose address is
 * also one of the record's stores is a read-modify-write: one access of kind MMU_REF_MODIFY at the load's place (as
 * lackey's M), and that store is not presented again. Records carry no access size: each access is 1 byte.
 * The process is 1, or asid[0] for CloudSuite (a change is a context switch); asid[1] is not used.
 */
#include <stddef.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_trace_alt.h"

typedef struct layout {
	size_t size;
	size_t dst, ndst; /* offset and count of destination_memory */
	size_t src;       /* offset of source_memory (4 slots) */
	bool asid;
} layout_t;

static const layout_t standard = {.size = 64, .dst = 16, .ndst = 2, .src = 32, .asid = false};
static const layout_t cloudsuite = {.size = 96, .dst = 24, .ndst = 4, .src = 56, .asid = true};

size_t trace_champsim_record_size(mmu_trace_format_t fmt)
{
	return fmt == MMU_TRACE_CLOUDSUITE ? cloudsuite.size : standard.size;
}

static inline uint64_t le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * A reference stored as three 64-bit words (vaddr; size and pid; kind and the padding after it) rather than field by
 * field: three stores instead of four or five, which is most of what decoding a record costs.
 */
_Static_assert(sizeof(mmu_trace_rec_t) == 24 && offsetof(mmu_trace_rec_t, size) == 8 &&
                   offsetof(mmu_trace_rec_t, pid) == 12 && offsetof(mmu_trace_rec_t, kind) == 16,
               "the layout put() writes");

static inline uint64_t rec_size_pid(uint32_t pid)
{
	uint32_t w[2] = {1, pid}; /* size 1, then pid, in memory order */
	uint64_t v;
	memcpy(&v, w, 8);
	return v;
}

static inline void put(mmu_trace_rec_t *r, uint64_t vaddr, uint64_t size_pid, uint8_t kind)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	uint64_t kind_pad = (uint64_t)kind << 56;
#else
	uint64_t kind_pad = kind;
#endif
	/* word by word: one array copied whole is built on the stack first, and its 16-byte reload stalls */
	unsigned char *b = (unsigned char *)r;
	memcpy(b, &vaddr, 8);
	memcpy(b + 8, &size_pid, 8);
	memcpy(b + 16, &kind_pad, 8);
}

/* Any record: the references of the record at p into out (room for ALT_MAX_REFS); returns how many. */
static size_t decode_any(const layout_t *l, const unsigned char *p, mmu_trace_rec_t *out)
{
	uint32_t pid = l->asid ? p[88] : 1;
	size_t k = 0;
	uint64_t ip = le64(p);
	if (ip)
		out[k++] = (mmu_trace_rec_t){.vaddr = ip, .size = 1, .pid = pid, .kind = MMU_REF_FETCH};
	uint64_t dst[4];
	unsigned stores = 0; /* bit j: destination slot j holds a store not yet presented */
	for (size_t j = 0; j < l->ndst; j++) {
		dst[j] = le64(p + l->dst + 8 * j);
		stores |= (dst[j] != 0) << j;
	}
	for (size_t i = 0; i < 4; i++) {
		uint64_t a = le64(p + l->src + 8 * i);
		if (!a)
			continue;
		uint8_t kind = MMU_REF_LOAD;
		for (size_t j = 0; stores && j < l->ndst; j++) {
			if ((stores >> j & 1) && dst[j] == a) {
				stores &= ~(1u << j);
				kind = MMU_REF_MODIFY;
				break;
			}
		}
		out[k++] = (mmu_trace_rec_t){.vaddr = a, .size = 1, .pid = pid, .kind = kind};
	}
	for (size_t j = 0; stores; j++, stores >>= 1)
		if (stores & 1)
			out[k++] = (mmu_trace_rec_t){.vaddr = dst[j], .size = 1, .pid = pid, .kind = MMU_REF_STORE};
	return k;
}

/*
 * As decode_any, faster for the records almost every trace is made of: no memory slot used but the first source and
 * the first destination (an instruction with at most one load and one store). Those give at most three references,
 * written unconditionally and kept by advancing the count only for the used slots, so that which slots are used (no
 * pattern a branch predictor learns) costs no branch. The rest go to decode_any.
 */
static inline size_t decode(const layout_t *l, const unsigned char *p, mmu_trace_rec_t *out)
{
	uint64_t rest = le64(p + l->src + 8) | le64(p + l->src + 16) | le64(p + l->src + 24);
	for (size_t j = 1; j < l->ndst; j++)
		rest |= le64(p + l->dst + 8 * j);
	if (__builtin_expect(rest != 0, 0))
		return decode_any(l, p, out);
	uint64_t ip = le64(p), load = le64(p + l->src), store = le64(p + l->dst);
	uint64_t size_pid = rec_size_pid(l->asid ? p[88] : 1);
	put(out, ip, size_pid, MMU_REF_FETCH);
	size_t k = ip != 0;
	/* a load of the store's address is one read-modify-write, and the store is not presented again */
	put(out + k, load, size_pid, load == store ? MMU_REF_MODIFY : MMU_REF_LOAD);
	k += load != 0;
	put(out + k, store, size_pid, MMU_REF_STORE);
	k += store != 0 && store != load;
	return k;
}

/* is_branch and branch_taken are flags: anything else is not a ChampSim record (or the other record size). */
static bool flags_ok(const unsigned char *p)
{
	uint16_t f; /* both bytes at once: no bit but the lowest set in either */
	memcpy(&f, p + 8, 2);
	return !(f & 0xfefe);
}

static int bad_flags(trace_alt_t *a, const layout_t *l, const unsigned char *p, uint64_t offset)
{
	return trace_alt_fail(a, MMU_EFORMAT,
	                      "%s: byte offset %llu (instruction record %llu): %s is %u, not 0 or 1: not a ChampSim "
	                      "%s trace%s",
	                      trace_stream_name(a->s), (unsigned long long)offset, (unsigned long long)a->units + 1,
	                      p[8] > 1 ? "is_branch" : "branch_taken", p[8] > 1 ? p[8] : p[9],
	                      l->asid ? "CloudSuite (96-byte record)" : "(64-byte record)",
	                      l->asid ? "" : " (a CloudSuite trace needs --format champsim-cloudsuite)");
}

bool trace_champsim_plausible(const unsigned char *p, size_t n)
{
	size_t records = n / standard.size;
	if (records == 0)
		return false;
	for (size_t r = 0; r < records; r++, p += standard.size) {
		if (!flags_ok(p))
			return false;
		/* addresses of a 64-bit machine: user half (below 2^56) or kernel half, never in between */
		for (size_t off = 0; off < 64; off += 8) {
			if (off == 8)
				continue;
			uint64_t v = le64(p + off);
			if (v >> 56 != 0 && v >> 56 != 0xff)
				return false;
		}
	}
	return true;
}

/*
 * Whole records of [p, end) while the caller's array has room for the most one record can give, up to a record whose
 * flags are not flags: returns where it stopped. Inlined once per layout, so that its offsets are constants.
 */
static inline __attribute__((always_inline)) const unsigned char *
decode_records(const layout_t *l, const unsigned char *p, const unsigned char *end, mmu_trace_rec_t *recs, size_t *n,
               size_t max, uint64_t *units)
{
	size_t k = *n;
	const unsigned char *start = p;
	for (;;) {
		/* as many records as surely fit, counted down without another test per record */
		size_t fit = (max - k) / ALT_MAX_REFS, whole = (size_t)(end - p) / l->size;
		size_t count = fit < whole ? fit : whole;
		if (count == 0)
			break;
		const unsigned char *stop = p + count * l->size;
		while (p < stop && flags_ok(p)) {
			k += decode(l, p, recs + k);
			p += l->size;
		}
		if (p < stop)
			break;
	}
	*units += (uint64_t)(p - start) / l->size;
	*n = k;
	return p;
}

size_t trace_champsim_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max)
{
	const layout_t *l = a->fmt == MMU_TRACE_CLOUDSUITE ? &cloudsuite : &standard;
	size_t n = 0;
	while (n < max && !a->err) {
		if (a->len - a->pos < l->size) {
			if (trace_alt_refill(a, l->size))
				break;
			size_t left = a->len - a->pos;
			if (left == 0)
				break;
			if (left < l->size) {
				trace_alt_fail(
				    a, MMU_EFORMAT,
				    "%s: truncated record at byte offset %llu: the file ends %zu bytes into a "
				    "%zu-byte ChampSim record",
				    trace_stream_name(a->s), (unsigned long long)(a->consumed + a->pos), left, l->size);
				break;
			}
		}
		const unsigned char *p = a->buf + a->pos, *end = a->buf + a->len;
		uint64_t units = a->units;
		p = l->asid ? decode_records(&cloudsuite, p, end, recs, &n, max, &units)
		            : decode_records(&standard, p, end, recs, &n, max, &units);
		a->pos = (size_t)(p - a->buf);
		a->units = units;
		if (end - p < (ptrdiff_t)l->size)
			continue;
		if (!flags_ok(p)) {
			bad_flags(a, l, p, a->consumed + a->pos);
			break;
		}
		/*
		 * The last few places of the array: the record's references that do not fit wait in pend. The array is
		 * full then, unless the record gave none (no fetch, no slot used): then reading goes on, so that such a
		 * record never ends a read with nothing, which would read as the end of the trace.
		 */
		a->npend = (unsigned)decode(l, p, a->pend);
		a->ipend = 0;
		a->pos += l->size;
		a->units++;
		while (n < max && a->ipend < a->npend)
			recs[n++] = a->pend[a->ipend++];
	}
	return n;
}
