//go:build !amd64 || purego

package fft

// Without the assembly (other architectures, or -tags purego) every pass
// is the pure-Go one.

func detectLevel() level { return levelGo }

func pass2(x, y []complex64, s, m int, tw []complex64) { pass2Go(x, y, s, m, tw) }
func pass3(x, y []complex64, s, m int, tw []complex64) { pass3Go(x, y, s, m, tw) }
func pass4(x, y []complex64, s, m int, tw []complex64) { pass4Go(x, y, s, m, tw) }
func pass5(x, y []complex64, s, m int, tw []complex64) { pass5Go(x, y, s, m, tw) }

func mulConj(z, w []complex64) { mulConjGo(z, w) }

func realPost(out, res, w []complex64, m, lanes int) bool { return false }

func hasRealPre(m, lanes int) bool { return false }

func realPre(z, g, w []complex64, m, lanes int) {}

func lanesIn8(dst []complex64, rows [][]complex64, n int, conjd bool) int { return 0 }

func lanesIn8F(dst []complex64, rows *[8][]float32, n int) int { return 0 }

func lanesOut8(rows [][]complex64, src []complex64, n int) int { return 0 }

func lanesOut8F(rows *[8][]float32, src []complex64, n int, scale float32) int { return 0 }
