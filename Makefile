# crash: a post-mortem Linux kernel debugger.
#   make            build ./crash, capture/crash-dump and capture/crash-kexec
#   make static     static capture programs for a capture kernel's initramfs
#                   (build/static/crash-dump, build/static/crash-kexec)
#   make check      build and run every test (unit + real dumps)
#   make demo       make a real dump under QEMU and open it
#   make install PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1 build with ASan and UBSan (into build-san/)

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= gcc
PKGS := libelf libdw zlib liblzma lzo2 libzstd snappy readline

ifeq ($(SANITIZE),1)
BUILD := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build
SANFLAGS :=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
# libopcodes (dis): binutils-dev; not in pkg-config, and libbfd is what
# it needs under it (both shared: the static archives want libsframe,
# libz and libzstd too).  binutils-multiarch-dev's build knows every
# architecture (arm64 too); the plain one only the host's.
OPCODES_LIBS := $(if $(filter /%,$(shell $(CC) -print-file-name=libopcodes-multiarch.so)),\
	-lopcodes-multiarch -lbfd-multiarch,-lopcodes -lbfd)
LDLIBS += $(PKG_LIBS) $(OPCODES_LIBS) -lpthread

# Every src/ source except main.c goes into a library the tests link too.
LIB_SRCS := $(filter-out src/main.c $(LIB_EXCLUDE),$(sort $(wildcard src/*/*.c src/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libcrash.a

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))

# The capture side (capture/): the dump writer, linked with the library
# for its dump readers and page table walk, and the kernel loader
# (capture/crash-kexec.c and capture/kexec_*.c), which needs only zlib.
KEXEC_SRCS := capture/crash-kexec.c $(sort $(wildcard capture/kexec_*.c))
KEXEC_OBJS := $(KEXEC_SRCS:%.c=$(BUILD)/%.o)
CAPTURE_SRCS := $(filter-out $(KEXEC_SRCS),$(sort $(wildcard capture/*.c)))
CAPTURE_OBJS := $(CAPTURE_SRCS:%.c=$(BUILD)/%.o)

ifeq ($(SANITIZE),1)
all: $(BUILD)/bin/crash $(BUILD)/bin/crash-dump $(BUILD)/bin/crash-kexec
else
all: crash capture/crash-dump capture/crash-kexec
crash: $(BUILD)/bin/crash
	cp $< $@
capture/crash-dump: $(BUILD)/bin/crash-dump
	cp $< $@
capture/crash-kexec: $(BUILD)/bin/crash-kexec
	cp $< $@
endif

$(BUILD)/bin/crash-dump: $(CAPTURE_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/crash-kexec: $(KEXEC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lz

# Static, stripped capture programs: a capture kernel's initramfs has no
# shared libraries (tests/vmcores/make-e2e.sh runs these in a guest).
# libdw is not needed: the writer decodes nothing by debug info; snappy
# needs libstdc++.a (libstdc++-12-dev, which g++ and clang pull in).
STATIC_LIBS := -lz -llzo2 -lzstd -lsnappy -lstdc++ -lm -lpthread
static: $(BUILD)/static/crash-dump $(BUILD)/static/crash-kexec
$(BUILD)/static/crash-dump: $(CAPTURE_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -static -s $(LDFLAGS) -o $@ $^ $(STATIC_LIBS)
$(BUILD)/static/crash-kexec: $(KEXEC_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -static -s $(LDFLAGS) -o $@ $^ -lz

$(BUILD)/bin/crash: $(BUILD)/src/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests: one program made of every tests/unit/*.c.
# ... and the capture side's objects but its main.
$(BUILD)/unit-tests: $(UNIT_SRCS:%.c=$(BUILD)/%.o) \
		$(filter-out %/crash-dump.o,$(CAPTURE_OBJS)) \
		$(filter-out %/crash-kexec.o,$(KEXEC_OBJS)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Test tools: one program per tests/tools/*.c (libkdumpfile for its peer).
$(BUILD)/tests/tools/kdumpfile-pages: $(BUILD)/tests/tools/kdumpfile-pages.o
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs libkdumpfile)
$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tests/tools/kdumpfile-pages.o: CFLAGS += $(shell pkg-config --cflags libkdumpfile)

TOOLS := $(TOOL_SRCS:%.c=$(BUILD)/%)

tools: $(TOOLS)

# crash.8's command pages are the commands' help texts: make man writes
# them between the markers (help_check.sh fails when they are out of date).
man: crash
	./crash --man-commands > $(BUILD)/commands.man
	awk -v part=$(BUILD)/commands.man \
	    '/^\.\\" BEGIN GENERATED COMMANDS/ { print; \
	       while ((getline l < part) > 0) print l; skip = 1; next } \
	     /^\.\\" END GENERATED COMMANDS/ { skip = 0 } !skip' \
	    crash.8 > crash.8.new && mv crash.8.new crash.8

# The libraries crash links with, for builds outside this Makefile (the
# fuzz target).
print-libs:
	@echo $(LDLIBS)

# check and demo first install what they need (apt-get, once), then build
# in a second make, which sees the installed libraries.
check:
	tests/install-deps.sh test
	$(MAKE) all $(BUILD)/unit-tests tools
	BUILD=$(BUILD) tests/run-tests.sh

demo:
	tests/install-deps.sh test
	$(MAKE) all
	tests/vmcores/demo.sh

install: crash capture/crash-dump capture/crash-kexec
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/include/crash
	install -m 755 crash $(DESTDIR)$(PREFIX)/bin/crash
	install -m 755 capture/crash-dump $(DESTDIR)$(PREFIX)/bin/crash-dump
	install -m 755 capture/crash-kexec $(DESTDIR)$(PREFIX)/bin/crash-kexec
	install -m 644 crash.8 $(DESTDIR)$(PREFIX)/share/man/man8/crash.8
	install -m 644 capture/crash-dump.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/crash-dump.8
	install -m 644 capture/crash-kexec.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/crash-kexec.8
	install -m 644 defs.h $(DESTDIR)$(PREFIX)/include/crash/defs.h

clean:
	rm -rf build build-san crash capture/crash-dump capture/crash-kexec

.PHONY: man all check demo install clean tools static print-libs
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
