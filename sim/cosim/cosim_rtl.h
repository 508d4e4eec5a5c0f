#ifndef COSIM_RTL_H
#define COSIM_RTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"

/*
 * The Verilated RTL (mmu_top) seen from C: a thin C++ shim compiled with the Verilated model of one configuration.
 * Ports are copied with the X-macro list model/include/mmu/mmu_ports.def, so a port renamed in either place breaks
 * the build. One cycle is: cosim_rtl_low() (clock low, this cycle's inputs applied, outputs read: those the last edge
 * left, which T1 makes the outputs of the cycle; the clock-low phase is evaluated only while tracing and in a sample of
 * cycles that checks T1), then cosim_rtl_high() (rising edge).
 */
#ifdef __cplusplus
extern "C" {
#endif

typedef struct cosim_rtl cosim_rtl_t;

/* The -G parameters this binary's RTL was built with (cosim_params_format() of its configuration). */
const char *cosim_rtl_params(void);
/* Name and file of the configuration this binary was built for. */
const char *cosim_rtl_config_name(void);
const char *cosim_rtl_config_file(void);
/* NULL, or what is deliberately wrong in this binary's RTL build (the test that proves a mismatch is caught). */
const char *cosim_rtl_wrong_variant(void);

int cosim_rtl_create(cosim_rtl_t **out, char *msg, size_t msglen);
void cosim_rtl_destroy(cosim_rtl_t *r);

/* rst_ni low across one rising edge, then high: the state T15 before cycle 0. */
void cosim_rtl_reset(cosim_rtl_t *r);
void cosim_rtl_low(cosim_rtl_t *r, const mmu_in_t *in, mmu_out_t *out);
void cosim_rtl_high(cosim_rtl_t *r);

/* Whether the RTL stopped itself: a failed assertion, $error, $stop or $finish (its message is on stdout). */
bool cosim_rtl_failed(const cosim_rtl_t *r);

/* FST dump of everything from now on, until closed; cycle numbers the timestamps (10 time units a cycle). */
int cosim_rtl_trace_open(cosim_rtl_t *r, const char *path, uint64_t cycle, char *msg, size_t msglen);
void cosim_rtl_trace_close(cosim_rtl_t *r);

/*
 * Architectural state made public by the RTL (verilator public_flat_rd): per TLB instance (u_l1i, u_l1d, u_l2) one
 * array per entry field, and cr3_q. cosim_rtl_bind_state() finds them; it fails with a message naming what is
 * missing. entries[] gives each TLB's size (indexed by mmu_tlb_id_t; 0: absent, nothing bound).
 */
int cosim_rtl_bind_state(cosim_rtl_t *r, const unsigned entries[3], char *msg, size_t msglen);
void cosim_rtl_tlb_entry(const cosim_rtl_t *r, mmu_tlb_id_t id, unsigned slot, mmu_tlb_entry_t *e);
/*
 * Whether the TLB's state is the contract's now: false for one edge after a lookup or a VA flush of an L2 whose
 * entries are in synchronous-read memories, which applies the lookup's T8 drop and the flush's clears one edge later
 * (rtl/mmu_tlb.sv; nothing at the ports shows it). The state checks wait for it.
 */
bool cosim_rtl_tlb_settled(const cosim_rtl_t *r, mmu_tlb_id_t id);
/* The block that holds the TLB's fields but valid, global and PCID: ".g_flops", ".g_sram.g_size[0]" (the first of the
 * memory form's banks, one per page size, which hold the same rows) or "". */
const char *cosim_rtl_tlb_form(const cosim_rtl_t *r, mmu_tlb_id_t id);
bool cosim_rtl_tlb_valid(const cosim_rtl_t *r, mmu_tlb_id_t id, unsigned slot);
uint64_t cosim_rtl_cr3(const cosim_rtl_t *r);

/*
 * The page-walk cache of level `level` (W9-W12; u_miss.g_pwc[level].g_on.u_pwc), bound like a TLB. Its entries read
 * as the model's (mmu_pwc()): vpn = the tag, base = the next table's address, level = `level`, the rights; global,
 * dirty and readable 0 as the model leaves them.
 */
int cosim_rtl_bind_pwc(cosim_rtl_t *r, unsigned level, unsigned entries, char *msg, size_t msglen);
bool cosim_rtl_pwc_valid(const cosim_rtl_t *r, unsigned level, unsigned slot);
void cosim_rtl_pwc_entry(const cosim_rtl_t *r, unsigned level, unsigned slot, mmu_tlb_entry_t *e);

#ifdef __cplusplus
}
#endif

#endif
