# oci-idmap-hook
#   make            build build/oci-idmap-hook
#   make check      install missing Debian packages, build, run every test
#   make check-oracle  the hook judged by runc and crun on generated bundles
#                   (ORACLE_RUNTIMES=runc, ORACLE_SEED, ORACLE_CASES, ORACLE_CASE)
#   make demo       a real runc container on a 501:20 volume, without and with the hook,
#                   and why the hook left group 20 (on Debian, dialout); installs only
#                   the build's packages, runc, busybox-static and python3
#   make bench      the benchmark (not part of check)
#   make format     clang-format every C file; make format-check (CI) fails on a difference
#   make fuzz       libFuzzer on the parsers and the wrapper's config.json rewriter,
#                   FUZZ_SECONDS (60) per target (clang)
#   make check-asan the unit, privileged and end-to-end tests under ASan+UBSan
#   make check-valgrind  valgrind memcheck of the hook on real containers and of the unit tests
#   make check-kernels   the kernel-dependent cases in qemu guests: Debian 12's 6.1 on
#                   x86_64 and arm64, its 6.12 on x86_64 (tests/kernels/; KERNELS=NAME...,
#                   KERNEL_CASES=WORD...)
#   make cross [ARCH=aarch64]  the hook and the wrapper for another architecture with
#                   Debian's cross compiler, warnings as errors, into build-ARCH/

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
WARNINGS = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wvla -Wno-unused-parameter
# CI builds with warnings as errors.
ifeq ($(CI),true)
WERROR = 1
endif
ifneq ($(WERROR),)
WARNINGS += -Werror
endif
VERSION = 0.1.0

B = build
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags yajl mount 2>/dev/null)
YAJL_LIBS = $(shell $(PKG_CONFIG) --libs yajl 2>/dev/null)
DEP_LIBS = $(YAJL_LIBS)
# The hook and the wrapper link yajl in (Debian's libyajl_s.a).  The hook
# loads libmount with dlopen when a start needs a mount table
# (lib/mountinfo.c), so it is not linked: its header is needed to build, and
# a node needs libc, and libmount1 for starts that have a mount to remap.
# YAJL_STATIC=0 links yajl dynamically too (sanitizer builds).
YAJL_STATIC ?= 1
ifeq ($(YAJL_STATIC),1)
HOOK_LINK = -l:libyajl_s.a
RUNTIME_LINK = -l:libyajl_s.a
else
HOOK_LINK = $(DEP_LIBS)
RUNTIME_LINK = $(YAJL_LIBS)
endif
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -DVERSION='"$(VERSION)"' -Ilib $(WARNINGS) \
	$(DEP_CFLAGS) $(CFLAGS)

# lib/: the hook's logic (libhook.a).  hook/: the hook executable.
# runtime/: the runtime wrapper for Docker; all but its main.c is
# libruntime.a, which the unit tests and the fuzz targets link too.
LIB_SRCS = $(wildcard lib/*.c)
LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o)
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_OBJS = $(UNIT_SRCS:%.c=$(B)/%.o)
HOOK = $(B)/oci-idmap-hook
HOOK_OBJS = $(patsubst %.c,$(B)/%.o,$(wildcard hook/*.c))
RUNTIME = $(B)/oci-idmap-runtime
RUNTIME_MAIN = $(B)/runtime/main.o
RUNTIME_LIB_OBJS = $(filter-out $(RUNTIME_MAIN),$(patsubst %.c,$(B)/%.o,$(wildcard runtime/*.c)))

.PHONY: all check check-unit check-priv check-e2e check-oracle check-layers deps demo bench format clean \
	install uninstall fuzz check-asan check-valgrind format-check check-kernels cross

all: $(HOOK) $(RUNTIME)

$(B)/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libhook.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(HOOK): $(HOOK_OBJS) $(B)/libhook.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(HOOK_LINK)

$(HOOK_OBJS): $(wildcard hook/*.h)

$(B)/libruntime.a: $(RUNTIME_LIB_OBJS)
	$(AR) rcs $@ $^

$(RUNTIME): $(RUNTIME_MAIN) $(B)/libruntime.a $(B)/libhook.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(RUNTIME_LINK)

$(RUNTIME_MAIN) $(RUNTIME_LIB_OBJS): $(wildcard runtime/*.h)

$(B)/unit-tests: $(UNIT_OBJS) $(B)/libruntime.a $(B)/libhook.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS) $(CHECK_LIBS)

$(B)/tests/unit/%.o: tests/unit/%.c $(wildcard lib/*.h runtime/*.h tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iruntime $(CHECK_CFLAGS) -c -o $@ $<

# Privileged C suites with a main of their own (check): tests/priv/NAME.c,
# each run by a tests/priv/*.sh (tests/priv/kernel is one suite, below).
PRIV_SUITE_SRCS = $(wildcard tests/priv/*.c)
PRIV_SUITES = $(PRIV_SUITE_SRCS:tests/priv/%.c=$(B)/tests/priv/%)

$(B)/tests/priv/%: tests/priv/%.c $(B)/libhook.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -o $@ $< $(B)/libhook.a $(DEP_LIBS) $(CHECK_LIBS)

deps:
	@sh scripts/deps.sh

check: deps
	$(MAKE) all $(B)/unit-tests
	$(MAKE) check-layers check-unit check-priv check-e2e check-oracle

# The include graph against the layer order (tests/layers.py): input and
# observation never include policy or act.
check-layers:
	python3 tests/layers.py

check-unit: $(B)/unit-tests
	CK_FORK=yes $(B)/unit-tests

# The C privileged suite of the kernel-facing modules (tests/priv/kernel),
# run by tests/priv/20-kernel.sh.
PRIV_SRCS = $(wildcard tests/priv/kernel/*.c)
$(B)/priv-tests: $(PRIV_SRCS) $(B)/libhook.a $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -o $@ $(PRIV_SRCS) $(B)/libhook.a $(DEP_LIBS) $(CHECK_LIBS)

check-priv: $(HOOK) $(B)/priv-tests $(PRIV_SUITES)
	sh tests/run.sh priv

check-e2e: $(HOOK) $(RUNTIME)
	sh tests/run.sh e2e

# The differential test (tests/oracle/oracle.py): each runtime of
# ORACLE_RUNTIMES judges the hook on ORACLE_CASES (150) bundles from
# ORACLE_SEED; ORACLE_CASE=N reruns one alone.
ORACLE_RUNTIMES ?= runc crun
check-oracle: $(HOOK)
	@st=0; for r in $(ORACLE_RUNTIMES); do \
		TEST_TIMEOUT=$${TEST_TIMEOUT:-1800} sh tests/run.sh oracle $$r || st=1; \
	done; exit $$st

# Installs only what the demo needs (scripts/deps.sh demo): no engine, no daemon.
demo:
	@sh scripts/deps.sh demo
	$(MAKE) all
	sh examples/demo.sh

# Not part of check: about 10 minutes as root (BENCH_QUICK=1: a smoke run).
bench: $(HOOK)
	bash tests/bench/bench.sh

# Fuzzing and sanitizers (not part of check; CI runs them): clang builds in
# build/fuzz and build/asan, the normal build is untouched.  See tests/fuzz/.
SAN_CC ?= clang-14
SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = state spec proc_map config_edit mount_map
ASAN_B = build/asan

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/libruntime.a $(B)/libhook.a $(wildcard lib/*.h runtime/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iruntime -fsanitize=fuzzer -o $@ $< $(B)/libruntime.a $(B)/libhook.a \
		$(DEP_LIBS)

fuzz:
	@sh scripts/deps.sh sanitizers
	$(MAKE) B=build/fuzz CC=$(SAN_CC) WERROR= YAJL_STATIC=0 CFLAGS="$(SAN_FLAGS) -fsanitize=fuzzer-no-link" \
		$(FUZZ_TARGETS:%=build/fuzz/fuzz/fuzz_%)
	$(MAKE) $(HOOK)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" sh tests/fuzz/run.sh build/fuzz/fuzz
	bash tests/fuzz/hostile.sh

# Sanitizer reports go to $(ASAN_B)/sanitizer/log.<pid> (a hook's stderr is
# not visible under a runtime): tests/fuzz/sanitizer_options.c.
check-asan:
	@sh scripts/deps.sh sanitizers
	$(MAKE) all
	@mkdir -p $(ASAN_B)
	$(SAN_CC) $(SAN_FLAGS) -DSANITIZER_LOG='"$(CURDIR)/$(ASAN_B)/sanitizer/log"' \
		-c -o $(ASAN_B)/sanitizer_options.o tests/fuzz/sanitizer_options.c
	rm -f $(ASAN_B)/oci-idmap-hook $(ASAN_B)/oci-idmap-runtime $(ASAN_B)/unit-tests
	$(MAKE) B=$(ASAN_B) CC=$(SAN_CC) WERROR= YAJL_STATIC=0 CFLAGS="$(SAN_FLAGS)" \
		LDFLAGS=$(ASAN_B)/sanitizer_options.o \
		$(ASAN_B)/oci-idmap-hook $(ASAN_B)/oci-idmap-runtime $(ASAN_B)/unit-tests
	sh tests/fuzz/check-asan.sh $(ASAN_B)

# memcheck of the hook and of the unit tests.  valgrind stops a program that
# clones with CLONE_VM for anything but a thread, as the user namespace holder
# does (lib/userns.c): it checks builds (hook, unit tests) whose holder is
# fork-style.
VG_B = build/valgrind
check-valgrind:
	@sh scripts/deps.sh valgrind
	$(MAKE) all $(B)/unit-tests
	$(MAKE) B=$(VG_B) CFLAGS="$(CFLAGS) -DUSERNS_FORK_HOLDER" $(VG_B)/oci-idmap-hook \
		$(VG_B)/unit-tests
	OCI_IDMAP_HOOK=$(CURDIR)/$(VG_B)/oci-idmap-hook \
		OCI_IDMAP_UNIT_TESTS=$(CURDIR)/$(VG_B)/unit-tests bash tests/fuzz/valgrind.sh

# Guests under qemu (TCG), each a kernel of tests/kernels/matrix with Debian's
# runc and crun of its architecture, running tests/kernels/cases.sh; what they
# download is Debian packages, through apt, kept in build/kernels.
check-kernels:
	@sh scripts/deps.sh kernels
	$(MAKE) $(HOOK)
	bash tests/kernels/run.sh $(KERNELS)

# make cross ARCH=aarch64: build-aarch64/oci-idmap-hook and oci-idmap-runtime,
# built by Debian's aarch64-linux-gnu-gcc against arm64's libyajl-dev and
# libmount-dev (scripts/deps.sh cross-aarch64 installs them), with -Werror;
# and tests/cross/syscalls_check.c, which holds lib/syscalls.h to the
# kernel's numbers for that architecture.
ARCH ?= aarch64
CROSS_B = build-$(ARCH)
CROSS_PKG_CONFIG = env PKG_CONFIG_LIBDIR=/usr/lib/$(ARCH)-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	pkg-config

cross:
	@sh scripts/deps.sh cross-$(ARCH)
	$(MAKE) B=$(CROSS_B) CC=$(ARCH)-linux-gnu-gcc AR=$(ARCH)-linux-gnu-ar WERROR=1 \
		PKG_CONFIG="$(CROSS_PKG_CONFIG)" $(CROSS_B)/oci-idmap-hook $(CROSS_B)/oci-idmap-runtime \
		$(CROSS_B)/syscalls_check

$(B)/syscalls_check: tests/cross/syscalls_check.c lib/syscalls.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $<

# make install [PREFIX=/usr/local] [DESTDIR=]: the hook, its oci-hooks(5)
# descriptor (hook.path generated from PREFIX), the man page, the runtime
# wrapper.  make uninstall removes exactly these files.
INST_HOOK = $(PREFIX)/libexec/oci/hooks.d/oci-idmap-hook
INST_DESCRIPTOR = $(PREFIX)/share/containers/oci/hooks.d/oci-idmap-hook.json
INST_MAN = $(PREFIX)/share/man/man1/oci-idmap-hook.1
INST_RUNTIME = $(PREFIX)/bin/oci-idmap-runtime
MANPAGE = $(wildcard hook/oci-idmap-hook.1)

install: $(HOOK) $(RUNTIME)
	$(if $(filter /%,$(PREFIX)),,$(error PREFIX must be an absolute path))
	$(if $(findstring ",$(PREFIX))$(findstring \,$(PREFIX))$(findstring |,$(PREFIX)),\
		$(error PREFIX must not contain a double quote, a backslash or |))
	install -d "$(DESTDIR)$(dir $(INST_HOOK))" "$(DESTDIR)$(dir $(INST_DESCRIPTOR))" \
		"$(DESTDIR)$(dir $(INST_RUNTIME))"
	install -m 0755 $(HOOK) "$(DESTDIR)$(INST_HOOK)"
	sed 's|@HOOK_PATH@|$(INST_HOOK)|' examples/hooks.d/oci-idmap-hook.json.in \
		>"$(DESTDIR)$(INST_DESCRIPTOR)"
	chmod 0644 "$(DESTDIR)$(INST_DESCRIPTOR)"
	install -m 0755 $(RUNTIME) "$(DESTDIR)$(INST_RUNTIME)"
ifneq ($(MANPAGE),)
	install -d "$(DESTDIR)$(dir $(INST_MAN))"
	install -m 0644 $(MANPAGE) "$(DESTDIR)$(INST_MAN)"
endif

uninstall:
	rm -f "$(DESTDIR)$(INST_HOOK)" "$(DESTDIR)$(INST_DESCRIPTOR)" \
		"$(DESTDIR)$(INST_MAN)" "$(DESTDIR)$(INST_RUNTIME)"

C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find hook lib runtime tests -name '*.[ch]')

format:
	clang-format -i $(C_FILES)

# CI fails on C code that does not match .clang-format.
format-check:
	@sh scripts/deps.sh format
	clang-format --dry-run -Werror $(C_FILES)

clean:
	rm -rf $(B)
