#include <criterion/criterion.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_physmem.h"

static mmu_physmem_t *pm;

static void setup(void)
{
	cr_assert_eq(mmu_physmem_create(&pm), 0);
}

static void teardown(void)
{
	mmu_physmem_destroy(pm);
}

TestSuite(mmu_physmem, .init = setup, .fini = teardown);

Test(mmu_physmem, read_untouched_is_zero_without_allocating)
{
	const uint64_t addrs[] = {0, 0x1000, 0xdeadbeef000, UINT64_C(0xfffffffffffffff8)};
	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		cr_expect_eq(mmu_physmem_read(pm, addrs[i], 8), 0);
		cr_expect_eq(mmu_physmem_read(pm, addrs[i] + 3, 1), 0);
		cr_expect_eq(mmu_physmem_read_word(pm, addrs[i]), 0);
	}
	cr_expect_eq(mmu_physmem_read(pm, 0x1ffe, 8), 0); /* crossing into another untouched page */
	cr_expect_eq(mmu_physmem_pages(pm), 0);
}

Test(mmu_physmem, first_write_allocates_one_zeroed_page)
{
	cr_assert_eq(mmu_physmem_write(pm, 0x5010, 1, 0xab), 0);
	cr_expect_eq(mmu_physmem_pages(pm), 1);
	cr_expect_eq(mmu_physmem_read(pm, 0x5010, 1), 0xab);
	cr_expect_eq(mmu_physmem_read(pm, 0x5000, 8), 0);
	cr_expect_eq(mmu_physmem_read(pm, 0x5ff8, 8), 0);
	cr_assert_eq(mmu_physmem_write(pm, 0x5ff0, 8, 1), 0); /* same page */
	cr_expect_eq(mmu_physmem_pages(pm), 1);
	cr_assert_eq(mmu_physmem_write(pm, 0x6000, 1, 1), 0);
	cr_expect_eq(mmu_physmem_pages(pm), 2);
}

Test(mmu_physmem, little_endian_bytes)
{
	cr_assert_eq(mmu_physmem_write(pm, 0x1000, 8, UINT64_C(0x0102030405060708)), 0);
	for (unsigned i = 0; i < 8; i++)
		cr_expect_eq(mmu_physmem_read(pm, 0x1000 + i, 1), 8 - i, "byte %u", i);
	cr_expect_eq(mmu_physmem_read(pm, 0x1000, 2), 0x0708);
	cr_expect_eq(mmu_physmem_read(pm, 0x1002, 4), 0x03040506);
	cr_expect_eq(mmu_physmem_read(pm, 0x1005, 3), 0x010203);
	cr_expect_eq(mmu_physmem_read(pm, 0x1001, 8), UINT64_C(0x01020304050607));
}

Test(mmu_physmem, write_of_len_bytes_keeps_neighbours)
{
	cr_assert_eq(mmu_physmem_write(pm, 0x2000, 8, UINT64_C(0xffffffffffffffff)), 0);
	cr_assert_eq(mmu_physmem_write(pm, 0x2002, 2, UINT64_C(0x11223344)), 0);
	cr_expect_eq(mmu_physmem_read(pm, 0x2000, 8), UINT64_C(0xffffffff3344ffff));
	cr_assert_eq(mmu_physmem_write(pm, 0x2001, 3, UINT64_C(0xaabbccdd)), 0);
	cr_expect_eq(mmu_physmem_read(pm, 0x2000, 8), UINT64_C(0xffffffffbbccddff));
}

Test(mmu_physmem, access_crossing_a_page_boundary)
{
	cr_assert_eq(mmu_physmem_write(pm, 0x1ffd, 8, UINT64_C(0x8877665544332211)), 0);
	cr_expect_eq(mmu_physmem_pages(pm), 2);
	cr_expect_eq(mmu_physmem_read(pm, 0x1ffd, 1), 0x11);
	cr_expect_eq(mmu_physmem_read(pm, 0x1fff, 1), 0x33);
	cr_expect_eq(mmu_physmem_read(pm, 0x2000, 1), 0x44);
	cr_expect_eq(mmu_physmem_read(pm, 0x2004, 1), 0x88);
	cr_expect_eq(mmu_physmem_read(pm, 0x2005, 1), 0);
	cr_expect_eq(mmu_physmem_read(pm, 0x1ffd, 8), UINT64_C(0x8877665544332211));
	cr_expect_eq(mmu_physmem_read(pm, 0x1ffe, 4), 0x55443322);
	cr_expect_eq(mmu_physmem_read_word(pm, 0x1ff8), UINT64_C(0x3322110000000000));
	cr_expect_eq(mmu_physmem_read_word(pm, 0x2000), UINT64_C(0x0000008877665544));
}

Test(mmu_physmem, crossing_read_into_untouched_page)
{
	cr_assert_eq(mmu_physmem_write(pm, 0x2fff, 1, 0xaa), 0);
	cr_expect_eq(mmu_physmem_read(pm, 0x2fff, 4), 0xaa);
	cr_expect_eq(mmu_physmem_read(pm, 0x2ffe, 2), 0xaa00);
	cr_expect_eq(mmu_physmem_pages(pm), 1);
}

Test(mmu_physmem, word_write_honours_strobe)
{
	cr_assert_eq(mmu_physmem_write_word(pm, 0x3004, UINT64_C(0x1122334455667788), 0x0f), 0);
	/* the word is the aligned one containing the address */
	cr_expect_eq(mmu_physmem_read(pm, 0x3000, 8), UINT64_C(0x0000000055667788));
	cr_assert_eq(mmu_physmem_write_word(pm, 0x3007, UINT64_C(0xa1a2a3a4a5a6a7a8), 0xa0), 0);
	cr_expect_eq(mmu_physmem_read_word(pm, 0x3003), UINT64_C(0xa100a30055667788));
	cr_assert_eq(mmu_physmem_write_word(pm, 0x3000, UINT64_C(0xffffffffffffffff), 0x01), 0);
	cr_expect_eq(mmu_physmem_read_word(pm, 0x3000), UINT64_C(0xa100a300556677ff));
	cr_expect_eq(mmu_physmem_read(pm, 0x3008, 8), 0); /* nothing spilled into the next word */
}

Test(mmu_physmem, empty_strobe_writes_nothing)
{
	cr_assert_eq(mmu_physmem_write_word(pm, 0x4000, UINT64_C(0x1234), 0), 0);
	cr_expect_eq(mmu_physmem_pages(pm), 0);
	cr_expect_eq(mmu_physmem_read_word(pm, 0x4000), 0);
}

Test(mmu_physmem, bad_write_length_is_rejected)
{
	cr_expect_eq(mmu_physmem_write(pm, 0x1000, 0, 1), MMU_EINVAL);
	cr_expect_eq(mmu_physmem_write(pm, 0x1000, 9, 1), MMU_EINVAL);
	cr_expect_eq(mmu_physmem_pages(pm), 0);
}

Test(mmu_physmem, highest_page_of_the_space)
{
	const uint64_t top = UINT64_C(0xfffffffffffff000);
	cr_assert_eq(mmu_physmem_write(pm, top + 0xff8, 8, UINT64_C(0xcafef00d12345678)), 0);
	cr_expect_eq(mmu_physmem_read(pm, top + 0xff8, 8), UINT64_C(0xcafef00d12345678));
	cr_expect_eq(mmu_physmem_read(pm, top + 0xfff, 1), 0xca);
	cr_expect_eq(mmu_physmem_pages(pm), 1);
}

typedef struct visit {
	uint64_t addr[16];
	uint8_t first[16];
	size_t n;
} visit_t;

static void record(void *ctx, uint64_t page_addr, const uint8_t *bytes)
{
	visit_t *v = ctx;
	if (v->n < 16) {
		v->addr[v->n] = page_addr;
		v->first[v->n] = bytes[0];
	}
	v->n++;
}

Test(mmu_physmem, foreach_visits_pages_in_address_order)
{
	const uint64_t order[] = {0x5000, 0x1000, UINT64_C(0xfffffffffffff000), 0x3000, UINT64_C(0x100000000)};
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(mmu_physmem_write(pm, order[i], 1, 0x10 + i), 0);
	visit_t v = {0};
	mmu_physmem_foreach(pm, record, &v);
	cr_assert_eq(v.n, 5);
	const uint64_t want[] = {0x1000, 0x3000, 0x5000, UINT64_C(0x100000000), UINT64_C(0xfffffffffffff000)};
	const uint8_t want_first[] = {0x11, 0x13, 0x10, 0x14, 0x12};
	for (size_t i = 0; i < 5; i++) {
		cr_expect_eq(v.addr[i], want[i], "page %zu: %#llx", i, (unsigned long long)v.addr[i]);
		cr_expect_eq(v.first[i], want_first[i], "page %zu", i);
	}
}

Test(mmu_physmem, foreach_on_empty_memory_calls_nothing)
{
	visit_t v = {0};
	mmu_physmem_foreach(pm, record, &v);
	cr_expect_eq(v.n, 0);
}

typedef struct order_check {
	uint64_t prev;
	size_t n;
	bool sorted;
} order_check_t;

static void check_order(void *ctx, uint64_t page_addr, const uint8_t *bytes)
{
	(void)bytes;
	order_check_t *c = ctx;
	if (c->n > 0 && page_addr <= c->prev)
		c->sorted = false;
	c->prev = page_addr;
	c->n++;
}

/* Enough pages to make the table grow many times; the stride scatters them over a wide range of page numbers. */
Test(mmu_physmem, many_pages_survive_table_growth)
{
	const size_t n = 20000;
	const uint64_t stride = UINT64_C(0x1000) * 7919;
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(mmu_physmem_write(pm, i * stride + (i % 1021) * 4, 4, (uint32_t)(i * 2654435761u)), 0);
	cr_expect_eq(mmu_physmem_pages(pm), n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(mmu_physmem_read(pm, i * stride + (i % 1021) * 4, 4), (uint32_t)(i * 2654435761u),
		             "page %zu", i);
	cr_expect_eq(mmu_physmem_read(pm, n * stride, 8), 0);
	order_check_t c = {.sorted = true};
	mmu_physmem_foreach(pm, check_order, &c);
	cr_expect_eq(c.n, n);
	cr_expect(c.sorted);
}

Test(mmu_physmem, consecutive_pages_keep_their_own_contents)
{
	for (uint64_t p = 0; p < 3000; p++)
		cr_assert_eq(mmu_physmem_write(pm, p << 12, 8, p ^ UINT64_C(0x5a5a5a5a00000000)), 0);
	for (uint64_t p = 0; p < 3000; p++)
		cr_assert_eq(mmu_physmem_read_word(pm, p << 12), p ^ UINT64_C(0x5a5a5a5a00000000));
	cr_expect_eq(mmu_physmem_pages(pm), 3000);
}

/* ---- blocks (frames moved to and from swap) ---- */

Test(mmu_physmem, block_round_trip_across_pages)
{
	uint8_t in[6000], out[6000];
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (uint8_t)(i * 7 + 1);
	cr_assert_eq(mmu_physmem_write_block(pm, 0x10800, in, sizeof in), 0);
	cr_assert_eq(mmu_physmem_pages(pm), 2, "0x10800..0x1206f touches pages 0x10 and 0x11");
	cr_assert(!mmu_physmem_read_block(pm, 0x10800, out, sizeof out));
	cr_assert_arr_eq(in, out, sizeof in);
	cr_assert_eq(mmu_physmem_read(pm, 0x10800, 1), 1);
	cr_assert_eq(mmu_physmem_read(pm, 0x107ff, 1), 0, "the byte before the block");
}

Test(mmu_physmem, zero_block_frees_whole_pages_and_clears_parts)
{
	for (uint64_t a = 0x20000; a < 0x23000; a += 0x800)
		cr_assert_eq(mmu_physmem_write(pm, a, 8, UINT64_C(0xffffffffffffffff)), 0);
	cr_assert_eq(mmu_physmem_pages(pm), 3);
	/* [0x20800, 0x22000): the second half of page 0x20 (cleared in place) and all of page 0x21 (freed) */
	cr_assert_eq(mmu_physmem_write_block(pm, 0x20800, NULL, 0x1800), 0);
	cr_assert_eq(mmu_physmem_pages(pm), 2);
	cr_assert_eq(mmu_physmem_read(pm, 0x20000, 8), UINT64_C(0xffffffffffffffff));
	cr_assert_eq(mmu_physmem_read(pm, 0x20800, 8), 0);
	cr_assert_eq(mmu_physmem_read(pm, 0x21000, 8), 0);
	cr_assert_eq(mmu_physmem_read(pm, 0x22000, 8), UINT64_C(0xffffffffffffffff));
	uint8_t buf[0x1000];
	cr_assert(mmu_physmem_read_block(pm, 0x21000, buf, sizeof buf), "a freed page reads as zero");
}

/* Freeing many pages keeps every other page reachable (the hash table's deletion keeps probe chains intact). */
Test(mmu_physmem, many_frees_keep_lookups_right)
{
	for (uint64_t p = 0; p < 3000; p++)
		cr_assert_eq(mmu_physmem_write(pm, p << 12, 8, p + 1), 0);
	for (uint64_t p = 0; p < 3000; p += 3)
		cr_assert_eq(mmu_physmem_write_block(pm, p << 12, NULL, 0x1000), 0);
	cr_assert_eq(mmu_physmem_pages(pm), 2000);
	for (uint64_t p = 0; p < 3000; p++)
		cr_assert_eq(mmu_physmem_read(pm, p << 12, 8), p % 3 ? p + 1 : 0, "page %" PRIu64, p);
}
