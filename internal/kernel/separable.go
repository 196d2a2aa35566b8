package kernel

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// DefaultRankTol is the relative tolerance Separate is usually called
// with: singular values below 1e-6·σ_max are float32 rounding, not
// structure.
const DefaultRankTol = 1e-6

// svd factors k in float64. ok is false only if gonum's SVD did not
// converge, which for a finite matrix does not happen in practice.
func (k *Kernel) svd() (s []float64, u, v *mat.Dense, ok bool) {
	d := make([]float64, len(k.Data))
	for i, x := range k.Data {
		d[i] = float64(x)
	}
	var f mat.SVD
	if !f.Factorize(mat.NewDense(k.H, k.W, d), mat.SVDThin) {
		return nil, nil, nil, false
	}
	u, v = new(mat.Dense), new(mat.Dense)
	f.UTo(u)
	f.VTo(v)
	return f.Values(nil), u, v, true
}

// SingularValues returns k's singular values in decreasing order
// (min(H, W) of them).
func (k *Kernel) SingularValues() []float64 {
	s, _, _, ok := k.svd()
	if !ok {
		return nil
	}
	return s
}

// Separate reports k's numerical rank — the number of singular values
// greater than tol·σ_max (0 for an all-zero kernel) — and, when the rank
// is 1, the factors: col (H values) and row (W values) with k ≈ col ⊗ row,
// i.e. k[y][x] ≈ col[y]·row[x]. Correlating with col down the columns and
// then with row along the rows equals correlating with k. The norm is
// split evenly (each factor carries √σ₁) and the sign is chosen so that
// col's largest-magnitude entry is positive: sobel-x gives col ∝ [1 2 1]
// and row ∝ [-1 0 1]. For any other rank col and row are nil.
func (k *Kernel) Separate(tol float64) (col, row []float32, rank int) {
	s, u, v, ok := k.svd()
	if !ok || len(s) == 0 || s[0] == 0 {
		return nil, nil, 0
	}
	for _, x := range s {
		if x > tol*s[0] {
			rank++
		}
	}
	if rank != 1 {
		return nil, nil, rank
	}
	r := math.Sqrt(s[0])
	sign := 1.0
	big := 0.0
	for y := 0; y < k.H; y++ {
		if a := u.At(y, 0); math.Abs(a) > big+1e-12 {
			big, sign = math.Abs(a), math.Copysign(1, a)
		}
	}
	col = make([]float32, k.H)
	row = make([]float32, k.W)
	for y := range col {
		col[y] = float32(sign * r * u.At(y, 0))
	}
	for x := range row {
		row[x] = float32(sign * r * v.At(x, 0))
	}
	return col, row, 1
}
