# rawload — build, examples, tests, static binary, demo.
# `make` builds ./rawload and every example object; `make test` runs the test suite;
# `make static` builds a stripped static binary with musl-gcc (`ARCH=aarch64|s390x|armhf` for another
# machine); `make test-vm KERNEL=6.1|5.10|arm64|s390x` runs the kernel checks in a VM;
# `sudo make demo` shows it working.

CC      ?= cc
CLANG   ?= clang
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c17 -Wall -Wextra -Werror -Wvla -D_GNU_SOURCE -I.
BUILD   := build

# Kernel UAPI headers come from the system. BPF programs need the multiarch directory for <asm/...>.
MULTIARCH := $(shell $(CLANG) -print-multiarch 2>/dev/null || gcc -print-multiarch 2>/dev/null)
UAPI_ARCH := /usr/include/$(MULTIARCH)

CORE_SRCS := $(wildcard common/*.c elf/*.c btf/*.c bpf/*.c loader/*.c loader/*/*.c)
LIB_SRCS  := $(filter-out loader/main.c,$(CORE_SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
HDRS      := $(wildcard common/*.h elf/*.h btf/*.h bpf/*.h loader/*.h loader/*/*.h)

.PHONY: all clean test static demo examples test-progs vmlinux-progs verifier-progs deps asan fuzz fuzz-build fuzz-seeds fuzz-long soak bench bench-parse test-old-kernel docs vmlinux-h
all: rawload examples

rawload: $(LIB_OBJS) $(BUILD)/loader/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# Each object depends on the headers it includes (-MMD writes the list next to it).
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
-include $(CORE_SRCS:%.c=$(BUILD)/%.d)

# ---- BPF objects -------------------------------------------------------------------------------
BPF_INC     := examples/include
HELPER_DEFS := $(BPF_INC)/bpf/bpf_helper_defs.h
BPF_HDRS    := $(wildcard $(BPF_INC)/bpf/*.h) $(HELPER_DEFS)
# libbpf's convention: the target architecture for bpf_tracing.h's register names.
BPF_ARCH    := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/; s/s390x/s390/; s/riscv64/riscv/')
BPF_CFLAGS  := -O2 -g -Wall -Werror -fdebug-prefix-map=$(CURDIR)=. -D__TARGET_ARCH_$(BPF_ARCH) -I$(BPF_INC) \
               -idirafter $(UAPI_ARCH)

# Helper prototypes are generated from the doc comments of the installed UAPI linux/bpf.h.
$(HELPER_DEFS): $(BPF_INC)/gen-helper-defs.sh /usr/include/linux/bpf.h
	sh $< /usr/include/linux/bpf.h > $@.tmp && mv $@.tmp $@

EXAMPLE_SRCS := $(wildcard examples/*.bpf.c)
EXAMPLE_OBJS := $(EXAMPLE_SRCS:%.bpf.c=%.o)
examples: $(EXAMPLE_OBJS)

examples/%.o: examples/%.bpf.c $(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -target bpf -c -o $@ $<

# Test programs are built in both byte orders; the pure tests compare the two models.
PROG_SRCS := $(wildcard tests/progs/*.bpf.c)
PROG_OBJS := $(PROG_SRCS:tests/progs/%.bpf.c=$(BUILD)/progs/%.bpfel.o) \
             $(PROG_SRCS:tests/progs/%.bpf.c=$(BUILD)/progs/%.bpfeb.o) \
             $(EXAMPLE_SRCS:examples/%.bpf.c=$(BUILD)/progs/%.bpfeb.o)
test-progs: $(PROG_OBJS)

$(BUILD)/progs/%.bpfel.o: tests/progs/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpfel -c -o $@ $<
$(BUILD)/progs/%.bpfeb.o: tests/progs/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpfeb -c -o $@ $<
$(BUILD)/progs/%.bpfeb.o: examples/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpfeb -c -o $@ $<

# Programs the verifier must refuse, one per common cause (tests/progs-verifier/): rawload's hint
# for each is checked against both compilers' code, clang 14 (CLANG, Debian 12's) and clang 19.
CLANG19    ?= clang-19
VPROG_SRCS := $(wildcard tests/progs-verifier/*.bpf.c)
VPROG_OBJS := $(VPROG_SRCS:tests/progs-verifier/%.bpf.c=$(BUILD)/progs-verifier/clang/%.o)
VPROG19_OBJS := $(VPROG_SRCS:tests/progs-verifier/%.bpf.c=$(BUILD)/progs-verifier/clang-19/%.o)
# Without clang 19 (a normal user's machine: tests/deps.sh installs it as root) only clang's are
# built, and it is said.
verifier-progs: $(VPROG_OBJS)
	@if command -v $(CLANG19) >/dev/null 2>&1; then $(MAKE) --no-print-directory $(VPROG19_OBJS); \
	else echo "verifier-progs: no $(CLANG19): its objects not built"; fi
$(BUILD)/progs-verifier/clang/%.o: tests/progs-verifier/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpfel -c -o $@ $<
$(BUILD)/progs-verifier/clang-19/%.o: tests/progs-verifier/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG19) $(BPF_CFLAGS) -target bpfel -c -o $@ $<

# Programs written against the running kernel's vmlinux.h (bpftool makes it), the way most libbpf
# programs are. Kept apart from build/progs: each object carries the kernel's types it uses.
VMLINUX_H := $(BUILD)/vmlinux/vmlinux.h
$(VMLINUX_H):
	@mkdir -p $(dir $@)
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >$@.tmp && mv $@.tmp $@
VMLINUX_PROGS := $(patsubst tests/progs-vmlinux/%.bpf.c,$(BUILD)/vmlinux/%.o,$(wildcard tests/progs-vmlinux/*.bpf.c))
# Without bpftool or kernel BTF (a normal user's machine, where kernel tests do not run) there is
# no vmlinux.h to build them with: said, not failed.
vmlinux-progs:
	@if command -v bpftool >/dev/null 2>&1 && [ -r /sys/kernel/btf/vmlinux ]; then \
		$(MAKE) --no-print-directory $(VMLINUX_PROGS); \
	else echo "vmlinux-progs: no bpftool or no /sys/kernel/btf/vmlinux: not built"; fi
$(BUILD)/vmlinux/%.o: tests/progs-vmlinux/%.bpf.c $(VMLINUX_H) $(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -I$(BUILD)/vmlinux -target bpfel -c -o $@ $<

# Target BTF for the --btf tests (tests/btf/layouts.c): clang's .BTF in an object, both byte orders
# (the ELF form), and that section alone (the raw form).
BTF_FIXTURES := $(BUILD)/target-btf/layouts.bpfel.o $(BUILD)/target-btf/layouts.bpfeb.o $(BUILD)/target-btf/layouts.btf
$(BUILD)/target-btf/layouts.%.o: tests/btf/layouts.c
	@mkdir -p $(dir $@)
	$(CLANG) -g -O2 -target $* -c -o $@ $<
$(BUILD)/target-btf/layouts.btf: $(BUILD)/target-btf/layouts.bpfel.o
	llvm-objcopy --dump-section .BTF=$@ $<

# ---- tests ---------------------------------------------------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/*.c)
TEST_HDRS := $(wildcard tests/unit/*.h tests/kernel/*.h)
$(BUILD)/unit-tests: $(UNIT_SRCS) $(LIB_OBJS) $(HDRS) $(TEST_HDRS) tests/tools/genobj.c tests/tools/genobj.h
	$(CC) $(CFLAGS) -o $@ $(UNIT_SRCS) tests/tools/genobj.c $(LIB_OBJS)

KTEST_SRCS := $(wildcard tests/kernel/*.c)
$(BUILD)/kernel-tests: $(KTEST_SRCS) $(LIB_OBJS) $(HDRS) $(TEST_HDRS) tests/unit/check.c
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(KTEST_SRCS) tests/unit/check.c $(LIB_OBJS)

$(BUILD)/udpsend: tests/tools/udpsend.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BUILD)/tcpmsg: tests/tools/tcpmsg.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BUILD)/udploop: tests/tools/udploop.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# A command's standard output on a pseudo-terminal (the display's terminal form, tested).
$(BUILD)/ptyrun: tests/tools/ptyrun.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

# Load/attach/detach cycles in one process (tests/soak/soak.c), driven by tests/kernel/soak.sh: a short
# version in `make test`, the full one with `make soak` (2,000 cycles a path, 200 kills).
$(BUILD)/soak: tests/soak/soak.c $(LIB_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS)
soak: all test-progs $(TOOLS)
	@SOAK_CYCLES=2000 SOAK_KILLS=200 SOAK_NETLINK_KILLS=50 sh tests/kernel/soak.sh

# Objects of any size, written directly as ELF (tests/tools/genobj.h): large-object tests, the
# parse-scaling benchmark.
$(BUILD)/genobj: tests/tools/genobj.c tests/tools/genobj.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DGENOBJ_MAIN -o $@ $<

# The uprobe target, three ways: a PIE (ET_DYN), a fixed-address executable (ET_EXEC, addresses !=
# file offsets) and a PIE with only .dynsym (stripped, symbols exported). Built with clang and fixed
# flags whatever CC/CFLAGS say: the ELF unit tests hold offsets transcribed from readelf for them.
UPROBE_TARGETS := $(BUILD)/uprobe_target $(BUILD)/uprobe_target_nopie $(BUILD)/uprobe_target_dynsym
TOOLS := $(BUILD)/udpsend $(BUILD)/ptyrun $(BUILD)/tcpmsg $(BUILD)/udploop $(UPROBE_TARGETS) $(BUILD)/genobj \
	$(BUILD)/soak
TOOL_FLAGS := -std=c17 -O2 -Wall -Wextra -Werror
$(BUILD)/uprobe_target: tests/tools/uprobe_target.c
	@mkdir -p $(dir $@)
	$(CLANG) $(TOOL_FLAGS) -o $@ $<
$(BUILD)/uprobe_target_nopie: tests/tools/uprobe_target.c
	@mkdir -p $(dir $@)
	$(CLANG) $(TOOL_FLAGS) -fno-pie -no-pie -o $@ $<
$(BUILD)/uprobe_target_dynsym: tests/tools/uprobe_target.c
	@mkdir -p $(dir $@)
	$(CLANG) $(TOOL_FLAGS) -Wl,--export-dynamic -s -o $@ $<

# The USDT target: SystemTap SDT probes (<sys/sdt.h>, systemtap-sdt-dev) in an executable and in a
# shared library it links with (found next to it: rpath $$ORIGIN).
USDT_TOOLS := $(BUILD)/usdt_target $(BUILD)/libusdt_lib.so
TOOLS += $(USDT_TOOLS)
$(BUILD)/libusdt_lib.so: tests/tools/usdt_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_FLAGS) -fPIC -shared -o $@ $<
$(BUILD)/usdt_target: tests/tools/usdt_target.c tests/tools/usdt_mem.c tests/tools/usdt_sema.c $(BUILD)/libusdt_lib.so
	$(CC) $(TOOL_FLAGS) -o $@ $(filter %.c,$^) -L$(BUILD) -lusdt_lib -Wl,-rpath,'$$ORIGIN'

# TCP connections that pick a congestion control by name (the struct_ops test).
TOOLS += $(BUILD)/tcp_cc
$(BUILD)/tcp_cc: tests/tools/tcp_cc.c
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_FLAGS) -D_GNU_SOURCE -o $@ $<

test: deps all test-progs vmlinux-progs verifier-progs $(BUILD)/unit-tests $(BUILD)/unit-tests-asan $(BUILD)/kernel-tests $(TOOLS) \
	$(BTF_FIXTURES) rawload-static fuzz-build fuzz-seeds
	@sh tests/run

deps:
	@sh tests/deps.sh

# The unit tests (robustness passes included, scaled down by tests/run) under AddressSanitizer and
# UBSan: `make test` runs them as one more test case; `make asan` alone runs them in full.
$(BUILD)/unit-tests-asan: $(UNIT_SRCS) $(LIB_SRCS) $(HDRS) $(TEST_HDRS) tests/tools/genobj.c tests/tools/genobj.h
	$(CC) -std=c17 -D_GNU_SOURCE -I. -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-o $@ $(UNIT_SRCS) tests/tools/genobj.c $(LIB_SRCS)
asan: examples test-progs $(UPROBE_TARGETS) $(BUILD)/unit-tests-asan
	RAWLOAD_ROOT=$(CURDIR) $(BUILD)/unit-tests-asan

# ---- fuzzing (libFuzzer, clang's libclang-rt) ---------------------------------------------------
# One target per parser (tests/fuzz/fuzz_*.c); the library is compiled once with the sanitizers.
# `make fuzz`: FUZZ_SECONDS per target. `make fuzz-long`: the long run, one target after another at
# nice 19 (tests/fuzz/long.sh). `make test` replays every target's seeds and regression inputs
# (tests/fuzz/replay.sh). Seeds come from real sources at build time (tests/fuzz/seeds.sh):
# build/fuzz/seeds/T; the working corpus build/corpus/T starts from them.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := obj btf netlink kfacts mountinfo elfbin vhint usdt ringbuf perfbuf vlog probe cli trace render core2
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -I. -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-%)
.SECONDARY: $(FUZZ_OBJS)
$(BUILD)/fuzzobj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(BUILD)/fuzz-%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(HDRS)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS)
# Seed makers: binary seeds (rings, perf rings, render and CO-RE inputs) and netlink replies
# captured from real exchanges.
$(BUILD)/fuzz/seedgen: tests/fuzz/seedgen.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BUILD)/fuzz/nlcapture: tests/fuzz/nlcapture.c $(LIB_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS)

fuzz-build: $(FUZZ_BINS)
fuzz-seeds: all test-progs vmlinux-progs $(UPROBE_TARGETS) $(USDT_TOOLS) $(BUILD)/genobj $(BUILD)/fuzz/seedgen \
		$(BUILD)/fuzz/nlcapture
	@sh tests/fuzz/seeds.sh
fuzz: fuzz-build fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/corpus/$$t; cp -n $(BUILD)/fuzz/seeds/$$t/* $(BUILD)/corpus/$$t/ 2>/dev/null; \
		echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz-$$t- $(BUILD)/corpus/$$t tests/fuzz/regress/$$t >$(BUILD)/fuzz-$$t.log 2>&1; \
		rc=$$?; grep -E '^stat::(number_of_executed_units|new_units_added)' $(BUILD)/fuzz-$$t.log; \
		[ $$rc -eq 0 ] || { tail -n 40 $(BUILD)/fuzz-$$t.log; exit 1; }; \
	done
fuzz-long: fuzz-build fuzz-seeds
	@sh tests/fuzz/long.sh

# ---- install: the binary, the manual page, the headers BPF programs build against ----------------
# `make install PREFIX=/usr/local DESTDIR=` installs ./rawload (glibc, dynamic), or with STATIC=1 the
# musl static rawload-static under the same name; docs/rawload.1 into share/man/man1; and our BPF
# headers into include/rawload/bpf/, so a program builds with -I$(PREFIX)/include/rawload and
# `#include <bpf/bpf_helpers.h>`. `make uninstall` (same variables) removes exactly those files.
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL_BIN  := $(if $(STATIC),rawload-static,rawload)
INSTALL_HDRS := $(sort $(notdir $(BPF_HDRS)))
.PHONY: install uninstall
install: $(INSTALL_BIN) docs/rawload.1 $(BPF_HDRS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/include/rawload/bpf
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/rawload
	install -m 644 docs/rawload.1 $(DESTDIR)$(PREFIX)/share/man/man1/rawload.1
	install -m 644 $(addprefix $(BPF_INC)/bpf/,$(INSTALL_HDRS)) $(DESTDIR)$(PREFIX)/include/rawload/bpf/
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rawload $(DESTDIR)$(PREFIX)/share/man/man1/rawload.1 \
		$(addprefix $(DESTDIR)$(PREFIX)/include/rawload/bpf/,$(INSTALL_HDRS))
	-rmdir $(DESTDIR)$(PREFIX)/include/rawload/bpf $(DESTDIR)$(PREFIX)/include/rawload 2>/dev/null

# ---- static binary -------------------------------------------------------------------------------
# musl-gcc does not search /usr/include; give it only the kernel UAPI directories, through symlinks.
MUSL_INC := $(BUILD)/musl-include
$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn $(UAPI_ARCH)/asm $(MUSL_INC)/asm
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	@touch $@

# Size first: no unwind tables (nothing unwinds), whole-program optimisation, unused sections dropped.
# -z noseparate-code: read-only data shares the text's segment, two loadable segments instead of
# four (no page padding between them: about 5 KB smaller, and fewer mappings and page faults at
# start). -Oz would save 4 KB more, at some CPU; -Os is kept.
STATIC_CFLAGS := -Os -static -flto=auto -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-stack-protector -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,norelro \
	-Wl,-z,noseparate-code -s

# ---- cross builds: ARCH picks the target machine (default: this one) ------------------------------
# `make static ARCH=aarch64|s390x|armhf` builds rawload-static-ARCH with Debian's musl cross wrapper
# (/usr/bin/<triple>-gcc from musl-dev:<arch>: the cross gcc with musl's specs) and that machine's
# UAPI headers (/usr/<gnu triple>/include, from the cross toolchain's linux-libc-dev-<arch>-cross);
# tests/cross/deps.sh installs both. BPF objects for the target get its -D__TARGET_ARCH_ and byte
# order, under build/ARCH/. riscv64 is not a Debian 12 architecture: there is no musl-dev:riscv64.
# Without ARCH (or with this machine's), `make static` is the musl-gcc build above, unchanged.
HOST_ARCH := $(shell uname -m)
ARCH ?= $(HOST_ARCH)
# The kernel's and Debian's names for the same machines are taken too (arm64, s390, arm, amd64).
XARCH := $(patsubst amd64,x86_64,$(patsubst arm64,aarch64,$(patsubst s390,s390x,$(patsubst arm armv7l,armhf,$(strip $(ARCH))))))
# machine : musl wrapper triple : gnu triple : __TARGET_ARCH_ : Debian arch : qemu-user : BPF byte order
CROSS_TABLE := x86_64:x86_64-linux-musl:x86_64-linux-gnu:x86:amd64:x86_64:bpfel \
	aarch64:aarch64-linux-musl:aarch64-linux-gnu:arm64:arm64:aarch64:bpfel \
	s390x:s390x-linux-musl:s390x-linux-gnu:s390:s390x:s390x:bpfeb \
	armhf:arm-linux-musleabihf:arm-linux-gnueabihf:arm:armhf:arm:bpfel
X_ROW        := $(subst :, ,$(filter $(XARCH):%,$(CROSS_TABLE)))
X_GNU        := $(word 3,$(X_ROW))
X_BPF_ARCH   := $(word 4,$(X_ROW))
X_DEB        := $(word 5,$(X_ROW))
X_QEMU       := qemu-$(word 6,$(X_ROW))-static
X_BPF_TARGET := $(word 7,$(X_ROW))
XBUILD       := $(BUILD)/$(XARCH)
ifeq ($(XARCH),$(HOST_ARCH))
STATIC_BIN := rawload-static
X_CC       := musl-gcc
X_INC      := $(MUSL_INC)
X_RUN      :=
else
STATIC_BIN := rawload-static-$(XARCH)
X_CC       := $(word 2,$(X_ROW))-gcc
X_INC      := $(XBUILD)/musl-include
X_RUN      := $(X_QEMU)
endif
X_STATIC := $(X_CC) -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -isystem $(X_INC)

.PHONY: cross-deps test-unit cross-progs test-vm vm-inputs vm-inputs-for-kernel
# Installs what the target needs (as root; otherwise lists it), or says why it cannot be built.
cross-deps:
	@sh tests/cross/deps.sh $(XARCH)
$(XBUILD)/musl-include/.stamp: | cross-deps
	@mkdir -p $(dir $@)
	ln -sfn /usr/$(X_GNU)/include/linux $(dir $@)linux
	ln -sfn /usr/$(X_GNU)/include/asm $(dir $@)asm
	ln -sfn /usr/$(X_GNU)/include/asm-generic $(dir $@)asm-generic
	@touch $@

rawload-static-$(XARCH): $(CORE_SRCS) $(HDRS) $(X_INC)/.stamp | cross-deps
	$(X_STATIC) -I. $(STATIC_CFLAGS) -o $@ $(CORE_SRCS)
	@ls -l $@ | awk '{print "$@: " $$5 " bytes"}'

# The unit tests, static, for the target; `make test-unit ARCH=s390x` runs them under qemu-user
# (without ARCH: natively). They read the host-built objects as data, in both byte orders.
$(XBUILD)/unit-tests: $(UNIT_SRCS) $(LIB_SRCS) $(HDRS) $(TEST_HDRS) tests/tools/genobj.c tests/tools/genobj.h $(X_INC)/.stamp | cross-deps
	@mkdir -p $(dir $@)
	$(X_STATIC) -I. -O2 -g -static -o $@ $(UNIT_SRCS) tests/tools/genobj.c $(LIB_SRCS)
test-unit: examples test-progs $(UPROBE_TARGETS) $(XBUILD)/unit-tests
	@echo "unit tests: $(XBUILD)/unit-tests$(if $(X_RUN), under $(X_RUN))"
	@RAWLOAD_ROOT=$(CURDIR) $(X_RUN) $(XBUILD)/unit-tests

# BPF objects for the target: its register names (__TARGET_ARCH_), its <asm/...> (struct pt_regs,
# user_pt_regs) and its byte order.
X_BPF_CFLAGS := $(filter-out -D__TARGET_ARCH_% -idirafter $(UAPI_ARCH),$(BPF_CFLAGS)) -D__TARGET_ARCH_$(X_BPF_ARCH) \
	-idirafter $(if $(X_RUN),/usr/$(X_GNU)/include,$(UAPI_ARCH))
X_PROGS := $(PROG_SRCS:tests/progs/%.bpf.c=$(XBUILD)/progs/%.$(X_BPF_TARGET).o) \
	$(EXAMPLE_SRCS:examples/%.bpf.c=$(XBUILD)/examples/%.o)
cross-progs: $(X_PROGS)
$(XBUILD)/progs/%.$(X_BPF_TARGET).o: tests/progs/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(X_BPF_CFLAGS) -target $(X_BPF_TARGET) -c -o $@ $<
$(XBUILD)/examples/%.o: examples/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(X_BPF_CFLAGS) -target $(X_BPF_TARGET) -c -o $@ $<

static: $(STATIC_BIN)
rawload-static: $(CORE_SRCS) $(HDRS) $(MUSL_INC)/.stamp
	musl-gcc -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -isystem $(MUSL_INC) $(STATIC_CFLAGS) \
		-o $@ $(CORE_SRCS)
	@ls -l $@ | awk '{print "rawload-static: " $$5 " bytes"}'

# `make size`: where the static binary's bytes go, by folder, file and libc member (bench/size.sh).
# The attribution build is rawload-static's sources and flags without LTO, linked with a map: LTO
# inlines across files and would leave the map one anonymous object. (No -Werror here: compiled
# one file at a time, gcc guesses differently about truncation; `make static` is the warning gate.)
# README, "The static binary".
SIZE_DIR    := $(BUILD)/size
SIZE_CFLAGS := $(filter-out -flto=auto -s,$(STATIC_CFLAGS))
SIZE_OBJS   := $(CORE_SRCS:%.c=$(SIZE_DIR)/%.o)
.PHONY: size
$(SIZE_DIR)/%.o: %.c $(HDRS) $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	musl-gcc -std=c17 -D_GNU_SOURCE -I. -isystem $(MUSL_INC) $(SIZE_CFLAGS) -c -o $@ $<
$(SIZE_DIR)/rawload-static: $(SIZE_OBJS)
	musl-gcc $(SIZE_CFLAGS) -s -Wl,-Map=$@.map -o $@ $(SIZE_OBJS)
size: rawload-static $(SIZE_DIR)/rawload-static
	@sh bench/size.sh rawload-static $(SIZE_DIR)/rawload-static $(SIZE_DIR)/rawload-static.map | tee $(SIZE_DIR)/size.txt

# ---- benchmarks: not tests; `make bench` measures and writes ratios, `make test` never runs it ----
# bench/run.sh drives it (as root): a namespace and veth of its own, every loader's cycle measured
# by bench/runner, results in build/bench/results.txt. See README, "Benchmarks".
BENCH     := $(BUILD)/bench
BENCH_OBJ := examples/counter.o
BENCH_BINS := $(BENCH)/runner $(BENCH)/rawsys $(BENCH)/rawsys-static $(BENCH)/rawsys-glibc-static

# The baseline's data, computed once by rawload's own pure code (bench/gen.c).
$(BENCH)/gen: bench/gen.c $(LIB_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ bench/gen.c $(LIB_OBJS)
$(BENCH)/bench_object.h: $(BENCH)/gen $(BENCH_OBJ)
	$(BENCH)/gen $(BENCH_OBJ) > $@.tmp && mv $@.tmp $@

# The baseline built the ways the loaders are: static with musl (the floor, as rawload-static),
# dynamic with the system libc (as ./rawload) and static with it (as the libbpf loader).
$(BENCH)/rawsys: bench/rawsys.c $(BENCH)/bench_object.h
	$(CC) $(CFLAGS) -I$(BENCH) -o $@ bench/rawsys.c
$(BENCH)/rawsys-glibc-static: bench/rawsys.c $(BENCH)/bench_object.h
	$(CC) $(CFLAGS) -static -s -I$(BENCH) -o $@ bench/rawsys.c
$(BENCH)/rawsys-static: bench/rawsys.c $(BENCH)/bench_object.h $(MUSL_INC)/.stamp
	musl-gcc -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(BENCH) -isystem $(MUSL_INC) $(STATIC_CFLAGS) \
		-o $@ bench/rawsys.c
# Static and small: a child's ru_maxrss also counts the pages it had from the runner before exec.
$(BENCH)/runner: bench/runner.c $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	musl-gcc -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -isystem $(MUSL_INC) $(STATIC_CFLAGS) -o $@ $<
# libbpf, statically (Debian's libbpf-dev, libelf-dev, zlib1g-dev): only for the comparison. Optional:
# when it cannot be built, the bench says so instead of giving a number.
$(BENCH)/libbpf-load: bench/libbpf_load.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -s -o $@ $< -lbpf -lelf -lz

bench: deps all static $(BENCH_BINS) bench-scale-bins $(BENCH)/parse_scaling
	@sh bench/deps.sh
	@$(MAKE) --no-print-directory $(BENCH)/libbpf-load >$(BENCH)/libbpf-load.log 2>&1 || \
		echo "bench: the libbpf loader did not build (see $(BENCH)/libbpf-load.log)"
	@sh bench/run.sh
	@$(MAKE) --no-print-directory bench-libbpf-scale
	@sh bench/scale.sh

# The scaling benchmarks (bench/scale.sh; README, "Benchmarks"): CO-RE-heavy objects made at bench
# time from the kernel's own types (coregen), the kernel's BTF (kbtf, built like rawload-static),
# a million-entry pinned map (bigmap) and a storm of ring/perf buffer records (storm). The libbpf
# sides are optional, as above. `make bench-scale` runs them alone.
SCALE_BPF  := $(BENCH)/storm-rb.o $(BENCH)/storm-rb-libbpf.o $(BENCH)/storm-pb.o $(BENCH)/storm-pb-libbpf.o \
	      $(BENCH)/bigmap.o
SCALE_BINS := $(BENCH)/coregen $(BENCH)/kbtf $(BENCH)/storm $(BENCH)/bigmap $(SCALE_BPF)
.PHONY: bench-scale bench-scale-bins bench-libbpf-scale
bench-scale-bins: $(SCALE_BINS) $(BENCH)/runner vmlinux-h
vmlinux-h:
	@if command -v bpftool >/dev/null 2>&1 && [ -r /sys/kernel/btf/vmlinux ]; then \
		$(MAKE) --no-print-directory $(VMLINUX_H); fi
bench-libbpf-scale:
	@$(MAKE) --no-print-directory $(BENCH)/libbpf-core $(BENCH)/libbpf-stream >$(BENCH)/libbpf-scale.log 2>&1 || \
		echo "bench: the libbpf scaling tools did not build (see $(BENCH)/libbpf-scale.log)"
bench-scale: deps all static bench-scale-bins
	@sh bench/deps.sh
	@$(MAKE) --no-print-directory bench-libbpf-scale
	@sh bench/scale.sh

$(BENCH)/coregen: bench/coregen.c $(LIB_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ bench/coregen.c $(LIB_OBJS)
$(BENCH)/kbtf: bench/kbtf.c $(LIB_SRCS) $(HDRS) $(MUSL_INC)/.stamp
	@mkdir -p $(dir $@)
	musl-gcc -std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -I. -isystem $(MUSL_INC) $(STATIC_CFLAGS) \
		-o $@ bench/kbtf.c $(LIB_SRCS)
$(BENCH)/storm: bench/storm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BENCH)/bigmap: bench/bigmap.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BENCH)/storm-rb.o: bench/storm.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpf -c -o $@ $<
$(BENCH)/storm-rb-libbpf.o: bench/storm.bpf.c $(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -DSTORM_LIBBPF -target bpf -c -o $@ $<
$(BENCH)/storm-pb.o: bench/storm.bpf.c $(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -DSTORM_PERF -target bpf -c -o $@ $<
$(BENCH)/storm-pb-libbpf.o: bench/storm.bpf.c $(BPF_HDRS)
	$(CLANG) $(BPF_CFLAGS) -DSTORM_PERF -DSTORM_LIBBPF -target bpf -c -o $@ $<
$(BENCH)/bigmap.o: bench/bigmap.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -target bpf -c -o $@ $<
$(BENCH)/libbpf-core: bench/libbpf_core.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -s -o $@ $< -lbpf -lelf -lz
$(BENCH)/libbpf-stream: bench/libbpf_stream.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -s -o $@ $< -lbpf -lelf -lz
	@sh bench/scaling.sh

# Parse scaling (bench/scaling.sh): generated objects of 1k, 10k and 100k programs and maps through
# the pure path; any user, a few seconds. Apart from the XDP cycle measurement above.
$(BENCH)/parse_scaling: bench/parse_scaling.c tests/tools/genobj.c tests/tools/genobj.h $(LIB_OBJS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ bench/parse_scaling.c tests/tools/genobj.c $(LIB_OBJS)
bench-parse: $(BENCH)/parse_scaling
	@sh bench/scaling.sh

# ---- the kernel tests on other kernels and machines: not part of `make test` ----------------------------
# `make test-vm KERNEL=6.1|5.10|arm64|s390x`: a Debian kernel (tests/qemu/fetch.sh unpacks its .deb
# under build/vm/) under qemu-system (TCG), an initramfs of busybox-static, the static rawload for that
# machine, the objects built for it and the static helpers below; tests/qemu/guest.sh runs inside,
# and tests/qemu/run.sh judges by the serial console. `make test-old-kernel` is KERNEL=6.1.
# See README, "Older kernels and other machines".
KERNEL ?= 6.1
VM_ARCH := $(if $(filter arm64,$(KERNEL)),aarch64,$(if $(filter s390x,$(KERNEL)),s390x,x86_64))
# The helpers for the machine ARCH names (build/qemu for this one, build/ARCH/qemu for another).
QEMU_TOOLS_DIR := $(if $(X_RUN),$(XBUILD)/qemu,$(BUILD)/qemu)
QEMU_TOOLS := $(QEMU_TOOLS_DIR)/btfmember $(QEMU_TOOLS_DIR)/kquery $(QEMU_TOOLS_DIR)/udpsend
$(QEMU_TOOLS_DIR)/%: tests/qemu/%.c $(X_INC)/.stamp
	@mkdir -p $(dir $@)
	$(X_STATIC) -Os -static -s -o $@ $<
$(QEMU_TOOLS_DIR)/udpsend: tests/tools/udpsend.c $(X_INC)/.stamp
	@mkdir -p $(dir $@)
	$(X_STATIC) -Os -static -s -o $@ $<
# What the guest of one machine needs, built with ARCH set to it (the host's btfmember reads the
# host kernel's offsets for comparison).
vm-inputs: $(STATIC_BIN) $(QEMU_TOOLS) $(BUILD)/qemu/btfmember $(if $(X_RUN),cross-progs,examples test-progs) verifier-progs
ifneq ($(X_RUN),)
$(BUILD)/qemu/btfmember: tests/qemu/btfmember.c
	@$(MAKE) --no-print-directory ARCH=$(HOST_ARCH) $@
endif

vm-inputs-for-kernel:
	@$(MAKE) --no-print-directory ARCH=$(VM_ARCH) vm-inputs
test-vm: deps
	@sh tests/qemu/deps.sh $(KERNEL)
	@$(MAKE) --no-print-directory vm-inputs-for-kernel
	@KERNEL=$(KERNEL) sh tests/qemu/run.sh
test-old-kernel:
	@$(MAKE) --no-print-directory test-vm KERNEL=6.1

demo: deps all $(BUILD)/udpsend
	@sh tests/demo.sh

# docs/walkthrough.md and docs/kernel.md quote real -v output, strace lines and code: regenerated
# from real runs (as root; docs/tools/gen.sh) after the narration changes. tests/kernel/docs.sh
# fails while they are stale.
docs: deps all test-progs vmlinux-progs $(TOOLS)
	@sh docs/tools/gen.sh

clean:
	rm -rf $(BUILD) rawload rawload-static rawload-static-* examples/*.o $(HELPER_DEFS)
