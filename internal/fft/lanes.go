package fft

// The movers between a batch of 8 rows and the 8-lane layout the
// butterflies run on (element k of lane l at 8k+l). Each goes through k
// in the outer loop and the 8 lanes in the inner one, unrolled, so every
// step reads or writes one whole 64-byte group of the lane layout and the
// rows are walked in order; the slices are cut to a common length first so
// that the compiler drops the bounds checks. The lane-by-lane versions
// (load, store, loadSpec, storeReal) touch every cache line of the lane
// layout eight times, once a lane, each with a bounds check: on the AMD
// EPYC they were most of a 2-D transform's time at the AVX-512 level.

// lanes8 is one element of each of the 8 lanes, adjacent in the layout.
type lanes8 = [8]complex64

// at returns the 8 lanes of element k of z.
func at(z []complex64, k int) *lanes8 { return (*lanes8)(z[8*k:]) }

// load8 is load for 8 rows of one length (at most n values, even n): rows[l]
// goes into lane l of z.
func (p *realPlan) load8(z []complex64, rows *[8][]float32) {
	z = z[:8*p.cn]
	r0 := rows[0][:len(rows[0])&^1]
	r1, r2, r3 := rows[1][:len(r0)], rows[2][:len(r0)], rows[3][:len(r0)]
	r4, r5, r6, r7 := rows[4][:len(r0)], rows[5][:len(r0)], rows[6][:len(r0)], rows[7][:len(r0)]
	k := lanesIn8F(z, rows, len(r0)/2)
	for i := 2 * k; i+1 < len(r0); i += 2 {
		o := at(z, k)
		o[0] = complex(r0[i], r0[i+1])
		o[1] = complex(r1[i], r1[i+1])
		o[2] = complex(r2[i], r2[i+1])
		o[3] = complex(r3[i], r3[i+1])
		o[4] = complex(r4[i], r4[i+1])
		o[5] = complex(r5[i], r5[i+1])
		o[6] = complex(r6[i], r6[i+1])
		o[7] = complex(r7[i], r7[i+1])
		k++
	}
	if i := len(r0); len(rows[0]) > i {
		o := at(z, k)
		for l, r := range rows {
			o[l] = complex(r[i], 0)
		}
		k++
	}
	clear(z[8*k:])
}

// storeLanes8 is the copy of storeLanes for 8 lanes: coefficients 1 … m−1
// of lane l from spare (in the lane layout) into dst[l].
func storeLanes8(dst [][]complex64, spare []complex64, m int) {
	d0 := dst[0][:m]
	d1, d2, d3 := dst[1][:len(d0)], dst[2][:len(d0)], dst[3][:len(d0)]
	d4, d5, d6, d7 := dst[4][:len(d0)], dst[5][:len(d0)], dst[6][:len(d0)], dst[7][:len(d0)]
	spare = spare[:8*m]
	k := 1
	if m > 1 {
		rows := [][]complex64{d0[1:], d1[1:], d2[1:], d3[1:], d4[1:], d5[1:], d6[1:], d7[1:]}
		k += lanesOut8(rows, spare[8:], m-1)
	}
	for ; k < len(d0); k++ {
		s := at(spare, k)
		d0[k], d1[k], d2[k], d3[k] = s[0], s[1], s[2], s[3]
		d4[k], d5[k], d6[k], d7[k] = s[4], s[5], s[6], s[7]
	}
}

// gather8 puts the first len(g)/8 coefficients of spec[l] into lane l of g.
func gather8(g []complex64, spec [][]complex64) {
	s0 := spec[0][:len(g)/8]
	s1, s2, s3 := spec[1][:len(s0)], spec[2][:len(s0)], spec[3][:len(s0)]
	s4, s5, s6, s7 := spec[4][:len(s0)], spec[5][:len(s0)], spec[6][:len(s0)], spec[7][:len(s0)]
	for k := lanesIn8(g, spec, len(s0), false); k < len(s0); k++ {
		o := at(g, k)
		o[0], o[1], o[2], o[3] = s0[k], s1[k], s2[k], s3[k]
		o[4], o[5], o[6], o[7] = s4[k], s5[k], s6[k], s7[k]
	}
}

// gather8Conj is gather8 storing the conjugates.
func gather8Conj(g []complex64, spec [][]complex64) {
	s0 := spec[0][:len(g)/8]
	s1, s2, s3 := spec[1][:len(s0)], spec[2][:len(s0)], spec[3][:len(s0)]
	s4, s5, s6, s7 := spec[4][:len(s0)], spec[5][:len(s0)], spec[6][:len(s0)], spec[7][:len(s0)]
	for k := lanesIn8(g, spec, len(s0), true); k < len(s0); k++ {
		o := at(g, k)
		o[0], o[1] = complex(real(s0[k]), -imag(s0[k])), complex(real(s1[k]), -imag(s1[k]))
		o[2], o[3] = complex(real(s2[k]), -imag(s2[k])), complex(real(s3[k]), -imag(s3[k]))
		o[4], o[5] = complex(real(s4[k]), -imag(s4[k])), complex(real(s5[k]), -imag(s5[k]))
		o[6], o[7] = complex(real(s6[k]), -imag(s6[k])), complex(real(s7[k]), -imag(s7[k]))
	}
}

// storeReal8 is storeReal for the 8 lanes of res (even n), writing only
// values q0 … q0+len(dst[0])−1 of each row: value q0+i of lane l's row
// goes to dst[l][i]. All dst[l] have the same length, at most n−q0.
func (p *realPlan) storeReal8(dst *[8][]float32, res []complex64, q0 int, scale float32) {
	d0 := dst[0][:len(dst[0])]
	d1, d2, d3 := dst[1][:len(d0)], dst[2][:len(d0)], dst[3][:len(d0)]
	d4, d5, d6, d7 := dst[4][:len(d0)], dst[5][:len(d0)], dst[6][:len(d0)], dst[7][:len(d0)]
	res = res[:8*p.cn]
	k, i := q0/2, 0
	if q0%2 != 0 && len(d0) > 0 {
		// The window starts on an imaginary part.
		v := at(res, k)
		for l, d := range dst {
			d[0] = -imag(v[l]) * scale
		}
		k, i = k+1, 1
	}
	if i < len(d0) {
		rows := [8][]float32{d0[i:], d1[i:], d2[i:], d3[i:], d4[i:], d5[i:], d6[i:], d7[i:]}
		done := lanesOut8F(&rows, res[8*k:], (len(d0)-i)/2, scale)
		k, i = k+done, i+2*done
	}
	for ; i+1 < len(d0); i += 2 {
		v := at(res, k)
		d0[i], d0[i+1] = real(v[0])*scale, -imag(v[0])*scale
		d1[i], d1[i+1] = real(v[1])*scale, -imag(v[1])*scale
		d2[i], d2[i+1] = real(v[2])*scale, -imag(v[2])*scale
		d3[i], d3[i+1] = real(v[3])*scale, -imag(v[3])*scale
		d4[i], d4[i+1] = real(v[4])*scale, -imag(v[4])*scale
		d5[i], d5[i+1] = real(v[5])*scale, -imag(v[5])*scale
		d6[i], d6[i+1] = real(v[6])*scale, -imag(v[6])*scale
		d7[i], d7[i+1] = real(v[7])*scale, -imag(v[7])*scale
		k++
	}
	if i < len(d0) {
		v := at(res, k)
		for l, d := range dst {
			d[i] = real(v[l]) * scale
		}
	}
}

// columnIn8 copies 8 columns of spec (rows ss values apart, from its
// start) into the 8-lane z, len(z)/8 rows. Here and in columnOut8 (out
// of Plan.columns, whose loop keeps nothing in registers) the copy goes
// through a value: one from pointer to pointer calls memmove, as the two
// might overlap.
func columnIn8(z, spec []complex64, ss int) {
	for y := range len(z) / 8 {
		v := lanes8(spec[y*ss:])
		*(*lanes8)(z[8*y:]) = v
	}
}

// columnOut8 copies the 8-lane z back into 8 columns of spec.
func columnOut8(spec, z []complex64, ss int) {
	for y := range len(z) / 8 {
		v := lanes8(z[8*y:])
		*(*lanes8)(spec[y*ss:]) = v
	}
}
