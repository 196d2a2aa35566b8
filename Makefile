# convtool — build, test, benchmark.
GO ?= go
FUZZTIME ?= 5000x

# Every fuzz target, as PACKAGE:TARGET (grep -rn 'func Fuzz' internal).
# Seeds: testdata/fuzz/<kind>/ (readable files, testdata/fuzz/gen.sh) plus
# what earlier runs found, in each package's testdata/fuzz/FuzzX/.
FUZZ_TARGETS = \
	./internal/kernel:FuzzParse \
	./internal/shape:FuzzParseNet \
	./internal/npy:FuzzRead \
	./internal/npy:FuzzReadStream \
	./internal/textmat:FuzzReadText \
	./internal/textmat:FuzzReadMat \
	./internal/img:FuzzDecode \
	./internal/tensorio:FuzzReadStdin \
	./internal/tensorio:FuzzReadFile \
	./internal/simd:FuzzKernels

.PHONY: build test test-purego vet-cross vet fmt-check bench fuzz fixtures clean

build:
	$(GO) build -o bin/convtool ./cmd/convtool

# test is what CI and the README run: formatting, vet and every test.
test: fmt-check vet
	$(GO) test ./...

# test-purego runs every test without the assembly kernels, as a build for
# another architecture would (internal/simd's pure-Go twins); vet-cross
# type-checks the arm64 build, where no assembly exists.
test-purego:
	$(GO) test -tags purego ./...

vet-cross:
	GOARCH=arm64 $(GO) vet ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# fuzz runs each target for FUZZTIME (executions, not seconds: a time
# budget can end mid-input and fail with "context deadline exceeded") on
# top of its seeds (make fuzz
# FUZZTIME=10m for a long hunt). A failure leaves the input in the
# package's testdata/fuzz/FuzzX/: commit it with the fix.
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/...

# fixtures regenerates every oracle fixture from PyTorch/scipy/numpy/OpenCV/
# libvips (needs Debian's python3-torch python3-scipy python3-numpy
# python3-opencv python3-pil libvips-tools). The sample image comes first:
# other generators crop it. Tests never run Python: the outputs are committed.
PY ?= /usr/bin/python3
fixtures:
	$(PY) testdata/images/gen_sample.py
	set -e; for g in $$(ls testdata/*/gen_*.py | grep -v gen_sample.py); do echo "$$g"; $(PY) "$$g"; done
	sh testdata/fuzz/gen.sh

clean:
	rm -rf bin
