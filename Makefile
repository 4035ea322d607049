# focal: see README.md.  `make` builds build/focal; `make check` runs every
# test (also under AddressSanitizer + UBSan); `make demo` prints the default
# analysis; `make bench` measures speed.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKGS    := gsl

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CSTD    := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
OPT     ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CSTD) $(OPT) $(WARN) -Iinclude -Isrc/lib -Isrc/cli $(PKG_CFLAGS) $(CFLAGS)
LIBS       = $(PKG_LIBS) -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC  := $(wildcard src/lib/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
HDRS     := $(wildcard include/focal/*.h src/lib/*.h src/cli/*.h)

B := build
S := build/san

.PHONY: all check check-unit check-cli check-install check-san demo bench install uninstall clean deps deps-check refdata

all: $(B)/focal

# ---- dependencies --------------------------------------------------------
deps:
	@scripts/deps.sh

deps-check:
	@scripts/deps.sh --check || scripts/deps.sh

# ---- normal build ----------------------------------------------------------
$(B)/lib/%.o: src/lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/cli/%.o: src/cli/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libfocal.a: $(LIB_SRC:src/lib/%.c=$(B)/lib/%.o)
	@rm -f $@
	@ar rcs $@ $^

$(B)/focal: $(CLI_SRC:src/cli/%.c=$(B)/cli/%.o) $(B)/libfocal.a
	@echo '  LINK    $@'
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(LDFLAGS)

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libfocal.a
	@mkdir -p $(dir $@)
	@echo '  LINK    $@'
	@$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(B)/libfocal.a $(LIBS) -lcmocka $(LDFLAGS)

$(B)/bench_focal: tests/bench/bench_focal.c $(B)/libfocal.a
	@echo '  LINK    $@'
	@$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(B)/libfocal.a $(LIBS) $(LDFLAGS)

# ---- sanitizer build (same sources, separate objects) ----------------------
SAN_CFLAGS = $(CSTD) $(SAN_FLAGS) $(WARN) -Iinclude -Isrc/lib -Isrc/cli $(PKG_CFLAGS)

$(S)/lib/%.o: src/lib/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC/SAN  $<'
	@$(CC) $(SAN_CFLAGS) -c $< -o $@

$(S)/cli/%.o: src/cli/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo '  CC/SAN  $<'
	@$(CC) $(SAN_CFLAGS) -c $< -o $@

$(S)/libfocal.a: $(LIB_SRC:src/lib/%.c=$(S)/lib/%.o)
	@rm -f $@
	@ar rcs $@ $^

$(S)/focal: $(CLI_SRC:src/cli/%.c=$(S)/cli/%.o) $(S)/libfocal.a
	@echo '  LINK/SAN $@'
	@$(CC) $(SAN_CFLAGS) -o $@ $^ $(LIBS)

$(S)/tests/%: tests/unit/%.c tests/unit/testutil.h $(S)/libfocal.a
	@mkdir -p $(dir $@)
	@echo '  LINK/SAN $@'
	@$(CC) $(SAN_CFLAGS) -Itests/unit -o $@ $< $(S)/libfocal.a $(LIBS) -lcmocka

UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_BINS  := $(UNIT_SRC:tests/unit/%.c=$(S)/tests/%)

# ---- tests -----------------------------------------------------------------
check: deps-check
	@$(MAKE) --no-print-directory check-unit check-cli check-install check-san
	@echo "make check: all test suites passed"

check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; FOCAL_TEST_DATA=tests/data $$t; done

check-cli: $(B)/focal
	@tests/cli/run.sh $(B)/focal

# make install honours DESTDIR and PREFIX, and the installed program runs.
check-install: $(B)/focal
	@d=$$(mktemp -d) && $(MAKE) --no-print-directory install DESTDIR=$$d PREFIX=/opt/focal >/dev/null && \
	test -x $$d/opt/focal/bin/focal && test -f $$d/opt/focal/lib/libfocal.a && \
	test -f $$d/opt/focal/include/focal/focal.h && test -f $$d/opt/focal/share/man/man1/focal.1 && \
	$$d/opt/focal/bin/focal --version >/dev/null && rm -rf $$d && echo "install: 1 passed, 0 failed"

check-san: $(SAN_BINS) $(S)/focal
	@set -e; for t in $(SAN_BINS); do echo "== $$t (asan+ubsan)"; \
		FOCAL_TEST_DATA=tests/data ASAN_OPTIONS=detect_leaks=1 $$t; done
	@ASAN_OPTIONS=detect_leaks=1 tests/cli/run.sh $(S)/focal

# ---- the main job ----------------------------------------------------------
demo: deps-check
	@$(MAKE) --no-print-directory $(B)/focal
	@echo "== focal compare: FL against FGL at the paper's gamma values"
	@$(B)/focal compare --gamma 0,0.5,1,2,5 --p 0.05,0.1,0.25,0.5,0.75,0.9,0.99 --format table
	@echo
	@echo "== focal integrate: analytic against numeric E_gamma, with the published formula's offset"
	@$(B)/focal integrate --gamma 1,2,2.5,5 --p 1e-6,0.1,0.5,0.999 --method both --published --format table
	@echo
	@echo "== focal check: the identities of docs/math.md"
	@$(B)/focal check --format table

bench: $(B)/bench_focal
	@$(B)/bench_focal

# Regenerate the high-precision reference tables (needs python3-mpmath).
refdata:
	/usr/bin/python3 tests/data/gen_reference.py

install: $(B)/focal $(B)/libfocal.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include/focal $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/focal $(DESTDIR)$(PREFIX)/bin/focal
	install -m 644 $(B)/libfocal.a $(DESTDIR)$(PREFIX)/lib/libfocal.a
	install -m 644 include/focal/*.h $(DESTDIR)$(PREFIX)/include/focal/
	install -m 644 man/focal.1 $(DESTDIR)$(PREFIX)/share/man/man1/focal.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/focal $(DESTDIR)$(PREFIX)/lib/libfocal.a \
		$(DESTDIR)$(PREFIX)/share/man/man1/focal.1
	rm -rf $(DESTDIR)$(PREFIX)/include/focal

clean:
	rm -rf $(B)
