#include "mmu/mmu_os.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_assert.h"
#include "mmu_os_internal.h"

/*
 * Policies of this OS model, beyond what the header promises:
 *   - Frames are never freed or reused: unmapping clears PTEs only. A fresh frame is therefore always zero in the
 *     sparse memory without being written, and frame addresses depend only on the order of calls.
 *   - One bump allocator serves tables and data. A page is aligned to its own size (a 2 MiB page skips ahead to the
 *     next 2 MiB boundary and the skipped frames stay unused); a table takes whole contiguous base pages.
 *   - Page tables emptied by unmapping stay linked; mapping a huge page over an empty table replaces the entry.
 *   - Kernel mappings own whole top-level slots: the template root's entry is copied into every process. A user
 *     mapping into a kernel-owned slot, or a kernel mapping into a slot a process already uses for user pages, is
 *     refused with MMU_EEXIST, and mmu_os_unmap leaves kernel-owned slots alone.
 *   - Ranges must be canonical and must not wrap or straddle the x86-64 hole.
 *   - A process is created on its first use by any call that maps or locks, so PCIDs follow first use. With cr3.pcid
 *     on, a 4096th process is refused with MMU_ERANGE (PCIDs are never recycled: that would need TLB flushes).
 *   - mmu_os_stats counts frames in base pages: a 2 MiB page counts 512.
 */

/* ---- PTE encoding ---- */

static uint64_t with_bit(uint64_t pte, int bit, bool on)
{
	return (bit >= 0 && on) ? pte | (UINT64_C(1) << bit) : pte;
}

uint64_t os_page_size(const mmu_os_t *os, unsigned level)
{
	return UINT64_C(1) << mmu_paging_shift(&os->paging, level);
}

/*
 * Permissions are enforced at the leaf, so a table entry grants everything its kind of mapping may need. RISC-V: a
 * pointer is V alone (R = W = X = 0 makes it one; U, A and D of a pointer are reserved, privileged spec 4.3.1).
 */
uint64_t os_table_entry(const mmu_os_t *os, uint64_t pa, bool user)
{
	const mmu_paging_t *p = &os->paging;
	uint64_t pte = mmu_pte_with_frame(p, pa);
	pte = with_bit(pte, p->bit_present, true);
	if (p->format == MMU_PTE_RISCV)
		return pte;
	pte = with_bit(pte, p->bit_writable, true);
	return with_bit(pte, p->bit_user, user);
}

/*
 * RISC-V: every page the OS maps is readable (R = 1), X as asked; under Svade the OS sets A itself when it maps the
 * page, as Linux does (D waits for the first store's page fault, mmu_os_ad_fault).
 */
uint64_t os_leaf_entry(const mmu_os_t *os, uint64_t pa, unsigned level, unsigned perms)
{
	const mmu_paging_t *p = &os->paging;
	uint64_t pte = mmu_pte_with_frame(p, pa);
	pte = with_bit(pte, p->bit_present, true);
	pte = with_bit(pte, p->bit_read, !(perms & MMU_PERM_NO_R));
	pte = with_bit(pte, p->bit_exec, perms & MMU_PERM_X);
	pte = with_bit(pte, p->bit_accessed, p->ad_fault);
	pte = with_bit(pte, p->bit_writable, perms & MMU_PERM_W);
	pte = with_bit(pte, p->bit_user, perms & MMU_PERM_U);
	pte = with_bit(pte, p->bit_nx, !(perms & MMU_PERM_X));
	pte = with_bit(pte, p->bit_global, perms & MMU_PERM_G);
	return with_bit(pte, p->bit_pagesize, level > 1);
}

uint64_t os_pte_slot(const mmu_os_t *os, uint64_t table, uint64_t va, unsigned level)
{
	return table + mmu_paging_index(&os->paging, va, level) * os->paging.pte_bytes;
}

uint64_t os_pte_read(const mmu_os_t *os, uint64_t slot)
{
	return mmu_physmem_read(os->pm, slot, os->paging.pte_bytes);
}

int os_pte_write(mmu_os_t *os, uint64_t slot, uint64_t pte)
{
	return mmu_physmem_write(os->pm, slot, os->paging.pte_bytes, pte);
}

bool os_pte_present(const mmu_os_t *os, uint64_t pte)
{
	return mmu_pte_bit(pte, os->paging.bit_present);
}

/* Frame of a leaf: a huge page's frame field may carry low flag bits (x86 PAT at bit 12), so mask to its size. */
uint64_t os_leaf_frame(const mmu_os_t *os, uint64_t pte, unsigned level)
{
	return mmu_pte_frame(&os->paging, pte) & ~(os_page_size(os, level) - 1);
}

/* ---- frame allocator ---- */

int os_alloc_frames(mmu_os_t *os, uint64_t bytes, uint64_t align, bool table, uint64_t *pa)
{
	if (os->exhausted || os->next_free > UINT64_MAX - (align - 1))
		return MMU_ENOFRAME;
	uint64_t a = (os->next_free + align - 1) & ~(align - 1);
	if (a > os->pa_max || bytes - 1 > os->pa_max - a)
		return MMU_ENOFRAME;
	os->next_free = a + bytes;
	os->exhausted = os->next_free == 0;
	uint64_t frames = bytes >> os->paging.page_bits;
	os->stats.frames += frames;
	if (table)
		os->stats.table_frames += frames;
	*pa = a;
	return 0;
}

int os_alloc_table(mmu_os_t *os, uint64_t *pa)
{
	return os_alloc_frames(os, os->table_size, os_page_size(os, 1), true, pa);
}

/* ---- processes ---- */

/* Index of pid in the sorted table, or where it would be inserted. */
static size_t proc_pos(const mmu_os_t *os, uint32_t pid)
{
	size_t lo = 0, hi = os->nprocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (os->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const os_proc_t *os_proc_find(const mmu_os_t *os, uint32_t pid)
{
	size_t i = proc_pos(os, pid);
	return (i < os->nprocs && os->procs[i].pid == pid) ? &os->procs[i] : NULL;
}

size_t os_top_entries(const mmu_os_t *os)
{
	return (size_t)1 << os->paging.bits_per_level;
}

static int copy_kernel_slots(mmu_os_t *os, uint64_t root)
{
	if (os->kroot == 0)
		return 0;
	unsigned pte_bytes = os->paging.pte_bytes;
	for (size_t i = 0; i < os_top_entries(os); i++) {
		if (!os->kowned[i])
			continue;
		int err = os_pte_write(os, root + i * pte_bytes, os_pte_read(os, os->kroot + i * pte_bytes));
		if (err)
			return err;
	}
	return 0;
}

int mmu_os_process(mmu_os_t *os, uint32_t pid)
{
	size_t pos = proc_pos(os, pid);
	if (pos < os->nprocs && os->procs[pos].pid == pid)
		return 0;
	if (os->pcid_on && os->nprocs >= (os->paging.satp_mode ? OS_ASID_MAX : OS_PCID_MAX))
		return MMU_ERANGE;
	os_proc_t *procs = os_room_for_one(os->procs, &os->procs_cap, os->nprocs, sizeof *procs, 8);
	if (procs == NULL)
		return MMU_ENOMEM;
	os->procs = procs;
	uint64_t root;
	int err = os_alloc_table(os, &root);
	if (err == 0)
		err = copy_kernel_slots(os, root);
	if (err)
		return err;
	memmove(&os->procs[pos + 1], &os->procs[pos], (os->nprocs - pos) * sizeof *os->procs);
	os->procs[pos] = (os_proc_t){
	    .pid = pid,
	    .pcid = os->pcid_on ? (uint16_t)(os->stats.processes + 1) : 0,
	    .root = root,
	};
	os->nprocs++;
	os->stats.processes++;
	return 0;
}

/* Root of pid, creating the process on first use (PCIDs are handed out in order of first use). */
static int proc_root(mmu_os_t *os, uint32_t pid, uint64_t *root)
{
	int err = mmu_os_process(os, pid);
	if (err == 0)
		*root = os_proc_find(os, pid)->root;
	return err;
}

uint64_t mmu_os_cr3(const mmu_os_t *os, uint32_t pid, bool no_flush)
{
	const os_proc_t *pr = os_proc_find(os, pid);
	if (pr == NULL)
		return 0;
	if (os->paging.satp_mode) /* satp: MODE, ASID, PPN (RISC-V privileged spec 4.1.11) */
		return (uint64_t)os->paging.satp_mode << 60 | (uint64_t)pr->pcid << MMU_SATP_ASID_LSB |
		       pr->root >> os->paging.page_bits;
	uint64_t cr3 = pr->root | pr->pcid;
	if (os->pcid_on && no_flush)
		cr3 |= UINT64_C(1) << 63;
	return cr3;
}

uint16_t mmu_os_pcid(const mmu_os_t *os, uint32_t pid)
{
	const os_proc_t *pr = os_proc_find(os, pid);
	return pr ? pr->pcid : 0;
}

/* ---- create / destroy ---- */

static uint64_t os_pa_max(const mmu_paging_t *p)
{
	unsigned bits = p->page_bits + p->pfn_bits;
	if (bits > p->pa_bits)
		bits = p->pa_bits;
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

int mmu_os_create(const mmu_cfg_t *cfg, mmu_physmem_t *pm, mmu_os_t **out)
{
	*out = NULL;
	mmu_os_t *os = calloc(1, sizeof *os);
	if (os == NULL)
		return MMU_ENOMEM;
	char msg[160];
	int err = mmu_paging_init(&os->paging, &cfg->paging, msg, sizeof msg);
	/* CR3 carries the PCID in bits 11:0, so with smaller pages the root address and the PCID would overlap. */
	if (err == 0 && cfg->pcid && os->paging.page_bits < 12)
		err = MMU_EINVAL;
	if (err) {
		free(os);
		return err;
	}
	os->pm = pm;
	os->cfg = cfg->os;
	os->mem.limit = cfg->os.mem_frames;
	os->mem.hand = os->mem.free_node = UINT32_MAX;
	os->pcid_on = cfg->pcid;
	os->pa_max = os_pa_max(&os->paging);
	/* x86: leave the first MiB alone as PCs do; textbook: skip frame 0 so that no table or page sits at address 0.
	 */
	os->next_free = cfg->paging.mode == MMU_MODE_TEXTBOOK ? os_page_size(os, 1) : UINT64_C(0x100000);
	uint64_t bytes = (uint64_t)os_top_entries(os) * os->paging.pte_bytes;
	os->table_size = (bytes + os_page_size(os, 1) - 1) & ~(os_page_size(os, 1) - 1);
	os->kowned = calloc(os_top_entries(os), sizeof *os->kowned);
	if (os->kowned == NULL) {
		free(os);
		return MMU_ENOMEM;
	}
	*out = os;
	return 0;
}

void mmu_os_destroy(mmu_os_t *os)
{
	if (os == NULL)
		return;
	free(os->procs);
	free(os->kowned);
	free(os->locks);
	os_mem_free(os);
	free(os->shared);
	free(os->shoot);
	free(os);
}

const mmu_paging_t *mmu_os_paging(const mmu_os_t *os)
{
	return &os->paging;
}

const mmu_os_stats_t *mmu_os_stats(const mmu_os_t *os)
{
	return &os->stats;
}

/* ---- argument checks ---- */

/* [va, va + size) is non-empty, does not wrap, and lies in one canonical half of the address space. */
bool os_range_ok(const mmu_os_t *os, uint64_t va, uint64_t size)
{
	if (size == 0 || va + (size - 1) < va)
		return false;
	uint64_t last = va + (size - 1);
	if (!mmu_paging_canonical(&os->paging, va) || !mmu_paging_canonical(&os->paging, last))
		return false;
	return !os->paging.sign_extend || os->paging.va_bits >= 64 || (va >> 63) == (last >> 63);
}

static bool level_ok(const mmu_os_t *os, unsigned level)
{
	return level >= 1 && level <= os->paging.levels && (level == 1 || ((os->paging.huge_levels >> level) & 1));
}

static bool perms_ok(const mmu_os_t *os, unsigned perms)
{
	if ((perms & MMU_PERM_NO_R) && os->paging.bit_read < 0)
		return false; /* every page of the mode is readable */
	return (perms & ~(unsigned)(MMU_PERM_W | MMU_PERM_U | MMU_PERM_X | MMU_PERM_G | MMU_PERM_NO_R)) == 0;
}

static size_t top_index(const mmu_os_t *os, uint64_t va)
{
	return (size_t)mmu_paging_index(&os->paging, va, os->paging.levels);
}

/* ---- walking ---- */

/*
 * Address of the level-`level` entry for va under root. Missing tables above it are created when `create` (user
 * tables when `user`), else the walk stops with MMU_EFAULT. A huge leaf above it gives MMU_EEXIST.
 */
int os_walk_to(mmu_os_t *os, uint64_t root, uint64_t va, unsigned level, bool create, bool user, uint64_t *slot)
{
	uint64_t table = root;
	for (unsigned n = os->paging.levels; n > level; n--) {
		uint64_t s = os_pte_slot(os, table, va, n);
		uint64_t pte = os_pte_read(os, s);
		if (!os_pte_present(os, pte) && pte != 0)
			return MMU_EEXIST; /* a swapped-out huge page */
		if (!os_pte_present(os, pte)) {
			if (!create)
				return MMU_EFAULT;
			uint64_t pa;
			int err = os_alloc_table(os, &pa);
			if (err == 0)
				err = os_pte_write(os, s, os_table_entry(os, pa, user));
			if (err)
				return err;
			pte = os_table_entry(os, pa, user);
		} else if (mmu_pte_is_leaf(&os->paging, pte, n)) {
			return MMU_EEXIST;
		}
		table = mmu_pte_frame(&os->paging, pte);
	}
	*slot = os_pte_slot(os, table, va, level);
	return 0;
}

/* Whether no present entry lies in the level-`level` table at `table` or below it. */
static bool table_empty(const mmu_os_t *os, uint64_t table, unsigned level)
{
	for (size_t i = 0; i < os_top_entries(os); i++) {
		uint64_t pte = os_pte_read(os, table + i * os->paging.pte_bytes);
		if (!os_pte_present(os, pte) && pte != 0)
			return false; /* a swapped-out page */
		if (!os_pte_present(os, pte))
			continue;
		if (mmu_pte_is_leaf(&os->paging, pte, level) ||
		    !table_empty(os, mmu_pte_frame(&os->paging, pte), level - 1))
			return false;
	}
	return true;
}

/* Whether a level-`level` page at va under root could be mapped: nothing maps any byte of it yet. */
bool os_page_free(mmu_os_t *os, uint64_t root, uint64_t va, unsigned level)
{
	uint64_t slot;
	int err = os_walk_to(os, root, va, level, false, false, &slot);
	if (err)
		return err == MMU_EFAULT;
	uint64_t pte = os_pte_read(os, slot);
	if (!os_pte_present(os, pte))
		return pte == 0; /* otherwise a swapped-out page */
	return !mmu_pte_is_leaf(&os->paging, pte, level) && table_empty(os, mmu_pte_frame(&os->paging, pte), level - 1);
}

static bool range_free(mmu_os_t *os, uint64_t root, uint64_t va, uint64_t size, unsigned level)
{
	uint64_t step = os_page_size(os, level);
	for (uint64_t off = 0; off < size; off += step)
		if (!os_page_free(os, root, va + off, level))
			return false;
	return true;
}

/* Process mappings get user tables; the kernel's shared tables are supervisor-only. */
static int install_leaf(mmu_os_t *os, uint64_t root, uint64_t va, uint64_t pa, unsigned level, unsigned perms)
{
	uint64_t slot;
	int err = os_walk_to(os, root, va, level, true, true, &slot);
	return err ? err : os_pte_write(os, slot, os_leaf_entry(os, pa, level, perms));
}

/* ---- unmapping ---- */

/*
 * Who owns the pages being mapped or unmapped: a process (user tables, resident-page tracking), or the kernel
 * (supervisor tables, frames outside the memory limit). A flag of its own, not a reserved pid: every uint32_t is a
 * valid pid.
 */
typedef struct os_owner {
	uint32_t pid;
	bool kernel;
} os_owner_t;

static os_owner_t user_owner(uint32_t pid)
{
	return (os_owner_t){.pid = pid, .kernel = false};
}

static long unmap_table(mmu_os_t *os, os_owner_t who, uint64_t table, unsigned level, uint64_t lo, uint64_t hi,
                        bool skip_kernel);

/* Unmaps what the entry at slot maps inside [lo, hi]; [start, end] is the whole range the entry covers. */
static long unmap_entry(mmu_os_t *os, os_owner_t who, uint64_t slot, unsigned level, uint64_t start, uint64_t end,
                        uint64_t lo, uint64_t hi)
{
	uint64_t pte = os_pte_read(os, slot);
	if (!os_pte_present(os, pte)) {
		if (pte == 0 || start < lo || end > hi)
			return 0;
		os_swap_entry_free(os, pte); /* a swapped-out page: its slot goes too */
		return os_pte_write(os, slot, 0) == 0 ? 1 : 0;
	}
	if (!mmu_pte_is_leaf(&os->paging, pte, level)) {
		uint64_t sub_lo = start > lo ? start : lo, sub_hi = end < hi ? end : hi;
		return unmap_table(os, who, mmu_pte_frame(&os->paging, pte), level - 1, sub_lo, sub_hi, false);
	}
	if (start < lo || end > hi) /* a huge page only partly in the range stays mapped */
		return 0;
	if (os_pte_write(os, slot, 0) != 0)
		return 0;
	if (!who.kernel)
		os_mem_drop(os, who.pid, start, os_leaf_frame(os, pte, level));
	return 1;
}

/*
 * Clears the leaves of the level-`level` table at `table` that lie wholly in [lo, hi] (inclusive; the table covers
 * both). Only present entries are descended into, so sparse ranges of any size cost little.
 */
static long unmap_table(mmu_os_t *os, os_owner_t who, uint64_t table, unsigned level, uint64_t lo, uint64_t hi,
                        bool skip_kernel)
{
	uint64_t span = os_page_size(os, level);
	long count = 0;
	for (uint64_t a = lo;;) {
		uint64_t start = a & ~(span - 1), end = start + (span - 1);
		if (!(skip_kernel && os->kowned[top_index(os, a)]))
			count += unmap_entry(os, who, os_pte_slot(os, table, a, level), level, start, end, lo, hi);
		if (end >= hi)
			return count;
		a = end + 1;
	}
}

long mmu_os_unmap(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size)
{
	if (size == 0)
		return 0;
	if (!os_range_ok(os, va, size))
		return MMU_EINVAL;
	const os_proc_t *pr = os_proc_find(os, pid);
	if (pr == NULL)
		return 0;
	return unmap_table(os, user_owner(pid), pr->root, os->paging.levels, va, va + (size - 1), true);
}

/* ---- mapping ---- */

/* A user mapping must not reach into the kernel's top-level slots (they are shared by every process). */
bool os_touches_kernel(const mmu_os_t *os, uint64_t va, uint64_t size)
{
	for (size_t i = top_index(os, va); i <= top_index(os, va + (size - 1)); i++)
		if (os->kowned[i])
			return true;
	return false;
}

/* The arguments alone: level, permissions, a canonical range aligned to the page size. */
static bool map_args_ok(const mmu_os_t *os, uint64_t va, uint64_t size, unsigned level, unsigned perms)
{
	if (!level_ok(os, level) || !perms_ok(os, perms) || !os_range_ok(os, va, size))
		return false;
	uint64_t mask = os_page_size(os, level) - 1;
	return (va & mask) == 0 && (size & mask) == 0;
}

static int map_conflicts(mmu_os_t *os, uint64_t root, uint64_t va, uint64_t size, unsigned level)
{
	return os_touches_kernel(os, va, size) || !range_free(os, root, va, size, level) ? MMU_EEXIST : 0;
}

/*
 * Maps fresh frames, each after the tables leading to it (as a page fault allocates them); on failure the pages
 * mapped so far are unmapped again (their frames stay used, or go back to the memory limit's free lists).
 */
static int map_fresh(mmu_os_t *os, os_owner_t who, uint64_t root, uint64_t va, uint64_t size, unsigned level,
                     unsigned perms)
{
	bool kernel = who.kernel;
	uint64_t step = os_page_size(os, level);
	for (uint64_t off = 0; off < size; off += step) {
		uint64_t slot, pa;
		int err = os_walk_to(os, root, va + off, level, true, !kernel, &slot);
		if (err == 0)
			err = kernel ? os_alloc_frames(os, step, step, false, &pa) : os_mem_frame(os, level, &pa);
		if (err == 0)
			err = os_pte_write(os, slot, os_leaf_entry(os, pa, level, perms));
		if (err == 0 && !kernel)
			err = os_mem_add(os, who.pid, va + off, pa, level);
		if (err) {
			if (off > 0)
				unmap_table(os, who, root, os->paging.levels, va, va + (off - 1), false);
			return err;
		}
	}
	return 0;
}

int os_map_user(mmu_os_t *os, uint32_t pid, uint64_t root, uint64_t va, uint64_t size, unsigned level, unsigned perms)
{
	return map_fresh(os, user_owner(pid), root, va, size, level, perms);
}

int mmu_os_map(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size, unsigned level, unsigned perms)
{
	if (!map_args_ok(os, va, size, level, perms))
		return MMU_EINVAL;
	uint64_t root;
	int err = proc_root(os, pid, &root);
	if (err == 0)
		err = map_conflicts(os, root, va, size, level);
	return err ? err : map_fresh(os, user_owner(pid), root, va, size, level, perms);
}

int mmu_os_map_frame(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa, unsigned level, unsigned perms)
{
	if (!level_ok(os, level))
		return MMU_EINVAL;
	uint64_t size = os_page_size(os, level);
	if (!map_args_ok(os, va, size, level, perms) || (pa & (size - 1)) || pa > os->pa_max ||
	    size - 1 > os->pa_max - pa)
		return MMU_EINVAL;
	uint64_t root;
	int err = proc_root(os, pid, &root);
	if (err == 0)
		err = map_conflicts(os, root, va, size, level);
	if (err == 0)
		err = install_leaf(os, root, va, pa, level, perms);
	return err ? err : os_share(os, pa);
}

int mmu_os_reserve(mmu_os_t *os, uint64_t pa_end)
{
	uint64_t mask = os_page_size(os, 1) - 1;
	if (pa_end <= os->next_free)
		return 0;
	if (pa_end > os->pa_max || pa_end > UINT64_MAX - mask)
		return MMU_ENOFRAME;
	os->next_free = (pa_end + mask) & ~mask;
	return 0;
}

/* ---- kernel mappings ---- */

/* A slot the kernel is about to take must not hold a process's own (user) table. */
static bool kernel_slots_free(const mmu_os_t *os, uint64_t va, uint64_t size)
{
	for (size_t i = top_index(os, va); i <= top_index(os, va + (size - 1)); i++) {
		if (os->kowned[i])
			continue;
		for (size_t p = 0; p < os->nprocs; p++)
			if (os_pte_present(os, os_pte_read(os, os->procs[p].root + i * os->paging.pte_bytes)))
				return false;
	}
	return true;
}

static int kernel_publish(mmu_os_t *os, uint64_t va, uint64_t size)
{
	for (size_t i = top_index(os, va); i <= top_index(os, va + (size - 1)); i++)
		os->kowned[i] = true;
	for (size_t p = 0; p < os->nprocs; p++) {
		int err = copy_kernel_slots(os, os->procs[p].root);
		if (err)
			return err;
	}
	return 0;
}

int mmu_os_map_kernel(mmu_os_t *os, uint64_t va, uint64_t size, unsigned perms)
{
	uint64_t mask = os_page_size(os, 1) - 1;
	if (!perms_ok(os, perms) || !os_range_ok(os, va, size) || (va & mask) || (size & mask))
		return MMU_EINVAL;
	if (os->kroot == 0) {
		int err = os_alloc_table(os, &os->kroot);
		if (err)
			return err;
	}
	if (!kernel_slots_free(os, va, size) || !range_free(os, os->kroot, va, size, 1))
		return MMU_EEXIST;
	unsigned kperms = (perms & (MMU_PERM_W | MMU_PERM_X)) | MMU_PERM_G;
	int err = map_fresh(os, (os_owner_t){.kernel = true}, os->kroot, va, size, 1, kperms);
	return err ? err : kernel_publish(os, va, size);
}

/* ---- translation and demand paging ---- */

int mmu_os_translate(const mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t *pa, unsigned *level)
{
	const os_proc_t *pr = os_proc_find(os, pid);
	if (pr == NULL || !mmu_paging_canonical(&os->paging, va))
		return MMU_EFAULT;
	uint64_t table = pr->root;
	for (unsigned n = os->paging.levels; n >= 1; n--) {
		uint64_t pte = os_pte_read(os, os_pte_slot(os, table, va, n));
		if (!os_pte_present(os, pte))
			return MMU_EFAULT;
		if (mmu_pte_is_leaf(&os->paging, pte, n)) {
			*pa = os_leaf_frame(os, pte, n) | (va & (os_page_size(os, n) - 1));
			*level = n;
			return 0;
		}
		table = mmu_pte_frame(&os->paging, pte);
	}
	MMU_UNREACHABLE(); /* level-1 entries are always leaves */
}

int os_lookup(const mmu_os_t *os, uint64_t root, uint64_t va, uint64_t *slot, uint64_t *pte, unsigned *level)
{
	uint64_t table = root;
	for (unsigned n = os->paging.levels; n >= 1; n--) {
		*slot = os_pte_slot(os, table, va, n);
		*pte = os_pte_read(os, *slot);
		*level = n;
		if (!os_pte_present(os, *pte) || mmu_pte_is_leaf(&os->paging, *pte, n))
			return 0;
		table = mmu_pte_frame(&os->paging, *pte);
	}
	MMU_UNREACHABLE(); /* level-1 entries are always leaves */
}

/*
 * Maps va as a demand fault does: back from swap, or a fresh page of the level the huge-page policy chooses.
 * MMU_EEXIST when something already maps it or the kernel owns it.
 */
static int map_demand_page(mmu_os_t *os, uint32_t pid, uint64_t va)
{
	uint64_t root, slot, pte;
	unsigned level;
	int err = proc_root(os, pid, &root);
	if (err == 0)
		err = os_lookup(os, root, va, &slot, &pte, &level);
	if (err)
		return err;
	if (os_pte_present(os, pte))
		return MMU_EEXIST;
	if (os_is_swap_entry(os, pte))
		return os_swap_in(os, pid, va, slot, pte, level);
	level = os_thp_fault_level(os, root, va);
	uint64_t size = os_page_size(os, level), base = va & ~(size - 1);
	if (os_touches_kernel(os, base, size) || !os_page_free(os, root, base, level))
		return MMU_EEXIST;
	err = os_map_user(os, pid, root, base, size, level, MMU_PERM_RWX_USER);
	return err ? err : os_thp_after_fault(os, pid, root, va);
}

int mmu_os_ad_fault(mmu_os_t *os, uint32_t pid, uint64_t va, bool store)
{
	const mmu_paging_t *p = &os->paging;
	const os_proc_t *pr = os_proc_find(os, pid);
	if (!p->ad_fault || pr == NULL || !mmu_paging_canonical(p, va))
		return MMU_EFAULT;
	uint64_t slot, pte;
	unsigned level;
	int err = os_lookup(os, pr->root, va, &slot, &pte, &level);
	if (err || !os_pte_present(os, pte) || (store && !mmu_pte_bit(pte, p->bit_writable)))
		return MMU_EFAULT;
	uint64_t want = with_bit(pte, p->bit_accessed, true);
	want = with_bit(want, p->bit_dirty, store);
	if (want == pte)
		return MMU_EFAULT; /* A and D were there: the fault had another cause */
	return os_pte_write(os, slot, want);
}

int mmu_os_demand_fault(mmu_os_t *os, uint32_t pid, uint64_t va)
{
	if (!mmu_paging_canonical(&os->paging, va) || mmu_paging_kernel_half(&os->paging, va))
		return MMU_EFAULT; /* a user fault in the kernel half is never served with a user page */
	int err = map_demand_page(os, pid, va);
	if (err == MMU_EEXIST || err == MMU_EINVAL)
		return MMU_EFAULT;
	if (err == 0)
		os->stats.demand_faults++;
	return err;
}

/*
 * The kernel's page at va, as the kernel would have mapped it at boot: supervisor-only, global, in every process.
 * The model maps it the first time it is needed, free of charge. A slot that a process filled with its own pages
 * (mmu_os_map) is left to that process: the access then meets its tables, and no kernel page is added there.
 */
static int map_kernel_page(mmu_os_t *os, uint64_t va)
{
	uint64_t size = os_page_size(os, 1);
	int err = mmu_os_map_kernel(os, va & ~(size - 1), size, MMU_PERM_W);
	return err == MMU_EEXIST ? 0 : err;
}

int mmu_os_populate(mmu_os_t *os, uint32_t pid, uint64_t va)
{
	if (!mmu_paging_canonical(&os->paging, va))
		return MMU_EINVAL;
	uint64_t pa;
	unsigned level;
	int err = mmu_os_process(os, pid);
	if (err || mmu_os_translate(os, pid, va, &pa, &level) == 0)
		return err;
	return mmu_paging_kernel_half(&os->paging, va) ? map_kernel_page(os, va) : map_demand_page(os, pid, va);
}

bool mmu_os_shootdown_next(mmu_os_t *os, uint32_t *pid, uint64_t *va)
{
	if (os->shoot_head == os->nshoot) {
		os->shoot_head = os->nshoot = 0;
		return false;
	}
	*pid = os->shoot[os->shoot_head].pid;
	*va = os->shoot[os->shoot_head].va;
	os->shoot_head++;
	return true;
}

int os_shootdown_add(mmu_os_t *os, uint32_t pid, uint64_t va)
{
	os_shootdown_t *s = os_room_for_one(os->shoot, &os->shoot_cap, os->nshoot, sizeof *s, 64);
	if (s == NULL)
		return MMU_ENOMEM;
	os->shoot = s;
	os->shoot[os->nshoot++] = (os_shootdown_t){.va = va, .pid = pid};
	os->stats.shootdowns++;
	return 0;
}

/* ---- locked pages ---- */

static size_t lock_hash(uint32_t pid, uint64_t vpn, size_t cap)
{
	uint64_t h = (vpn ^ ((uint64_t)pid << 40) ^ pid) * UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h ^ (h >> 32)) & (cap - 1);
}

static os_lock_t *lock_slot(os_lock_t *locks, size_t cap, uint32_t pid, uint64_t vpn)
{
	for (size_t i = lock_hash(pid, vpn, cap);; i = (i + 1) & (cap - 1))
		if (!locks[i].used || (locks[i].pid == pid && locks[i].vpn == vpn))
			return &locks[i];
}

static int locks_grow(mmu_os_t *os)
{
	size_t cap = os->locks_cap ? 2 * os->locks_cap : 64;
	os_lock_t *locks = calloc(cap, sizeof *locks);
	if (locks == NULL)
		return MMU_ENOMEM;
	for (size_t i = 0; i < os->locks_cap; i++)
		if (os->locks[i].used)
			*lock_slot(locks, cap, os->locks[i].pid, os->locks[i].vpn) = os->locks[i];
	free(os->locks);
	os->locks = locks;
	os->locks_cap = cap;
	return 0;
}

static int lock_add(mmu_os_t *os, uint32_t pid, uint64_t vpn)
{
	if (2 * (os->nlocks + 1) > os->locks_cap) {
		int err = locks_grow(os);
		if (err)
			return err;
	}
	os_lock_t *s = lock_slot(os->locks, os->locks_cap, pid, vpn);
	if (!s->used) {
		*s = (os_lock_t){.vpn = vpn, .pid = pid, .used = true};
		os->nlocks++;
	}
	return 0;
}

int mmu_os_lock(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size)
{
	if (size == 0)
		return 0;
	if (!os_range_ok(os, va, size))
		return MMU_EINVAL;
	int err = mmu_os_process(os, pid);
	unsigned shift = os->paging.page_bits;
	for (uint64_t vpn = va >> shift; err == 0 && vpn <= (va + (size - 1)) >> shift; vpn++)
		err = lock_add(os, pid, vpn);
	return err;
}

bool mmu_os_is_locked(const mmu_os_t *os, uint32_t pid, uint64_t va)
{
	if (os->nlocks == 0)
		return false;
	return lock_slot(os->locks, os->locks_cap, pid, va >> os->paging.page_bits)->used;
}
