/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The running kernel's version, for the words of a message only: a hint
 * that a failed call needs a newer kernel is given where the kernel is
 * older than that.  What the hook does is decided by the calls' own
 * answers, never by this.
 */
#pragma once

#include <stdbool.h>

/* major.minor of a release string as uname(2) gives it ("6.18.44-fc-v782"):
 * false when it does not start with two numbers. */
bool kver_parse(const char *release, unsigned *ret_major, unsigned *ret_minor);

/* Is the running kernel older than major.minor?  uname(2) read once; a
 * release that cannot be read or parsed is not older (no hint). */
bool kver_is_older(unsigned major, unsigned minor);
