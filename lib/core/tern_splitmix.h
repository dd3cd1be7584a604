/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef TERN_SPLITMIX_H
#define TERN_SPLITMIX_H

/**
 * @file
 * splitmix64 (Steele, Lea, Flood 2014): a tiny generator that expands a
 * 64-bit seed into a reproducible stream. Not cryptographic: secrets
 * (the ISN key) come from the kernel, never from here; this serves
 * seeded tests, fault injection and first-port choices.
 */

#include <stdint.h>

/** The next value of the stream whose state is *@p state. */
static inline uint64_t
tern_splitmix64(uint64_t *state)
{
	/* An odd increment: the state walks through every 64-bit value. */
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

#endif /* TERN_SPLITMIX_H */
