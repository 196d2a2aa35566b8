package simd

// gemmGeneric is the pure-Go micro-kernel for any mr×nr tile: the same
// arithmetic as the assembly (a sum over p in order for each element),
// with separate multiply and add, so results differ from the fused
// assembly only by float32 rounding.
func gemmGeneric(mr, nr, k int, a, b []float32, ldb int, c []float32, ldc int, add bool) {
	const maxTile = 8 * 32
	var buf [maxTile]float32
	acc := buf[:mr*nr]
	if mr*nr > maxTile {
		acc = make([]float32, mr*nr)
	}
	for p := range k {
		bp := b[p*ldb : p*ldb+nr]
		ap := a[p*mr : p*mr+mr]
		for i, av := range ap {
			row := acc[i*nr : i*nr+nr]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := range mr {
		dst := c[i*ldc : i*ldc+nr]
		src := acc[i*nr : i*nr+nr]
		if add {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// convRowsGeneric is ConvRows in Go: one output row at a time, its taps
// four at a time so each output sample is loaded and stored once per four
// multiply-adds; the first group stores instead of adding, so out is never
// read before it is written (fresh output pages would otherwise be faulted
// in twice).
func convRowsGeneric(out []float32, ldo, nout, n int, rows [][]float32, k []float32, kw, dx, step int) {
	taps := make([][]float32, 0, len(rows)*kw)
	ks := make([]float32, 0, len(rows)*kw)
	for r := range rows {
		for t := range kw {
			ks = append(ks, k[r*kw+t])
		}
	}
	for j := range nout {
		taps = taps[:0]
		for _, row := range rows {
			for t := range kw {
				off := j*step + t*dx
				taps = append(taps, row[off:off+n])
			}
		}
		rowTaps(out[j*ldo:j*ldo+n], taps, ks)
	}
}

// rowTaps sets out[x] = Σ ks[t]·taps[t][x]; every tap holds len(out)
// samples and there is at least one.
func rowTaps(out []float32, taps [][]float32, ks []float32) {
	n := len(out)
	i := min(len(taps), 4)
	switch i {
	case 4:
		k0, k1, k2, k3 := ks[0], ks[1], ks[2], ks[3]
		s0, s1, s2, s3 := taps[0][:n], taps[1][:n], taps[2][:n], taps[3][:n]
		for x := range out {
			out[x] = k0*s0[x] + k1*s1[x] + k2*s2[x] + k3*s3[x]
		}
	case 3:
		k0, k1, k2 := ks[0], ks[1], ks[2]
		s0, s1, s2 := taps[0][:n], taps[1][:n], taps[2][:n]
		for x := range out {
			out[x] = k0*s0[x] + k1*s1[x] + k2*s2[x]
		}
	case 2:
		k0, k1 := ks[0], ks[1]
		s0, s1 := taps[0][:n], taps[1][:n]
		for x := range out {
			out[x] = k0*s0[x] + k1*s1[x]
		}
	case 1:
		k0, s0 := ks[0], taps[0][:n]
		for x := range out {
			out[x] = k0 * s0[x]
		}
	}
	for ; i+4 <= len(taps); i += 4 {
		k0, k1, k2, k3 := ks[i], ks[i+1], ks[i+2], ks[i+3]
		s0, s1, s2, s3 := taps[i][:n], taps[i+1][:n], taps[i+2][:n], taps[i+3][:n]
		for x := range out {
			out[x] += k0*s0[x] + k1*s1[x] + k2*s2[x] + k3*s3[x]
		}
	}
	for ; i < len(taps); i++ {
		k0, s0 := ks[i], taps[i][:n]
		for x := range out {
			out[x] += k0 * s0[x]
		}
	}
}

// gemmOffsGeneric is TileOffs in Go: B's row p at byte offset offs[p].
func gemmOffsGeneric(mr, nr int, a, b []float32, offs []int, c []float32, ldc int, add bool) {
	const maxTile = 8 * 32
	var buf [maxTile]float32
	acc := buf[:mr*nr]
	if mr*nr > maxTile {
		acc = make([]float32, mr*nr)
	}
	for p, off := range offs {
		bp := b[off/4 : off/4+nr]
		ap := a[p*mr : p*mr+mr]
		for i, av := range ap {
			row := acc[i*nr : i*nr+nr]
			for j, bv := range bp {
				row[j] += av * bv
			}
		}
	}
	for i := range mr {
		dst, src := c[i*ldc:i*ldc+nr], acc[i*nr:i*nr+nr]
		if add {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}
