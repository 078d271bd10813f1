/*
 * The hooks a submission implements — MLPerf Tiny's "submitter-implemented" part. The protocol
 * (ee_protocol.c) calls them; everything about your model and your code lives behind them. The
 * template's submitter.c runs the model with TinyArena's int8 runtime; replace any of it with your own
 * code (hand-written kernels, another runtime) as long as the hooks keep their meaning.
 */
#ifndef SUBMITTER_H
#define SUBMITTER_H

#include <stddef.h>
#include <stdint.h>

/** MLPerf Tiny model id answered to `profile`: "kws01", "vww01" or "ad01" (the challenge's task). */
const char* th_profile(void);

/** Name answered to `name` (printable ASCII, no brackets). */
const char* th_dut_name(void);

/** Once at boot, before the boot lines: load the model (print a line saying why if it fails). */
void th_final_initialize(void);

/** Bytes `db load` must announce: one sample as the dataset stores it (490 for kws01, 27648 for vww01, 2560 for ad01). */
size_t th_input_bytes(void);

/** Before every inference: convert the loaded sample (ee_input) into the model's input. */
void th_load_tensor(void);

/** One inference. */
void th_infer(void);

/**
 * Print the results line of the last inference: `m-results-[v0,v1,…]` with the class scores
 * (kws01: 12, vww01: 2), or for ad01 the anomaly score (the reconstruction's mean squared error).
 */
void th_results(void);

/** Microseconds from a free-running timer (32-bit, wraps). */
uint32_t th_timestamp(void);

/** printf to the host's serial link. */
void th_printf(const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
