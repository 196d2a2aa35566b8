# convtool — build, test, benchmark.
GO ?= go
FUZZTIME ?= 5000x

# Every fuzz target, as PACKAGE:TARGET (grep -rn 'func Fuzz' internal).
# Seeds: testdata/fuzz/<kind>/ (readable files, testdata/fuzz/gen.sh) plus
# what earlier runs found, in each package's testdata/fuzz/FuzzX/.
FUZZ_TARGETS = \
	./internal/kernel:FuzzParse \
	./internal/shape:FuzzParseNet \
	./internal/shape:FuzzImport \
	./internal/npy:FuzzRead \
	./internal/npy:FuzzReadStream \
	./internal/textmat:FuzzReadText \
	./internal/textmat:FuzzReadMat \
	./internal/img:FuzzDecode \
	./internal/img:FuzzEXIF \
	./internal/img:FuzzPNGReader \
	./internal/tensorio:FuzzReadStdin \
	./internal/tensorio:FuzzReadFile \
	./internal/fft:FuzzPasses \
	./internal/forward:FuzzDecodeSafetensors \
	./cmd/convtool:FuzzIntegerFlags \
	./cmd/convtool:FuzzArgs \
	./internal/simd:FuzzKernels \
	./internal/simd:FuzzDepthwisePlane3x3

.PHONY: build test test-purego vet-cross vet fmt-check bench fuzz fixtures gallery clean

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

# gallery regenerates the README's pictures (docs/gallery) from the shipped
# sample and the notes' small examples, each with the command the README
# shows beside it.
G = docs/gallery
S = testdata/images/sample.png
gallery: build
	mkdir -p $(G)
	bin/convtool conv $(S) $(G)/maps.png -k testdata/gallery/bank8.npy --stride 2 -q
	bin/convtool show testdata/conv/l_alexnet_like.y.npy $(G)/show.png --shared -q
	bin/convtool conv testdata/explain/twice_a.x.npy /dev/null --format npy -k sobel-x --padding 1 --stride 2 --explain-gif $(G)/slide.gif -q
	bin/convtool conv testdata/explain/dilated.x.npy /dev/null --format npy -k "1 2 1; 0 0 0; -1 -2 -1" --dilation 2 --padding valid --explain-gif $(G)/dilated.gif -q
	bin/convtool conv testdata/conv/t_notes_2x2_k3.x.npy /dev/null --format npy -k "1 2 3; 4 5 6; 7 8 9" --transpose --stride 2 --padding 0 --explain-gif $(G)/transposed.gif -q
	bin/convtool shape net alexnet --plot $(G)/alexnet.png > /dev/null
	bin/convtool shape net resnet18 --plot $(G)/resnet18.svg > /dev/null
	bin/convtool shape net unet-small --plot $(G)/unet-small.png > /dev/null
	bin/convtool shape net densenet121 --plot $(G)/densenet121.png > /dev/null
	bin/convtool shape net alexnet --rf 6,6 --layer conv5 --image $(S) $(G)/rf.png -q
	bin/convtool shape net unet-small --rf 420,250 --layer head --image $(S) $(G)/rf_unet.png -q
	bin/convtool kernel show sobel-x --plot $(G)/sobel.png -q > /dev/null
	bin/convtool fft $(S) /dev/null --format npy --filter bandpass:10:40 --shape butterworth --plot $(G)/spectrum.png -q
	bin/convtool shift $(S) $(G)/shift_conv.png --by 3,5 -k sobel-x -q > /dev/null
	bin/convtool shift $(S) $(G)/shift_pool.png --by 1,1 --pool max --size 2 -q > /dev/null
	rm -rf $(G)/.digits && bin/convtool net run digits testdata/digits/seven.png --maps $(G)/.digits -q
	cp $(G)/.digits/001-conv1.png $(G)/digits_conv1.png && rm -rf $(G)/.digits

clean:
	rm -rf bin
