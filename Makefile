# convtool — build, test, benchmark.
GO ?= go
FUZZTIME ?= 5s

.PHONY: build test vet fmt-check bench fuzz fixtures clean

build:
	$(GO) build -o bin/convtool ./cmd/convtool

# test is what CI and the README run: formatting, vet and every test.
test: fmt-check vet
	$(GO) test ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/...

# fixtures regenerates testdata from PyTorch/scipy/numpy/OpenCV (needs Debian's
# python3-torch python3-scipy python3-numpy python3-opencv).
fixtures:
	/usr/bin/python3 testdata/gen_fixtures.py

clean:
	rm -rf bin
