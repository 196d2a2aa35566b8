// Package specplot draws frequency-domain pictures with their units: a
// centred spectrum (or a kernel's frequency response) on a sequential
// colour map, with axes in frequency bins from the centre (v − W/2
// across, H/2 − u up, the distances fft's filters measure), a colour bar,
// the outline of a filter (its radii as circles, or a response's
// half-gain contour), and beside it, optionally, the kernel itself on a
// diverging map with its own colour bar.
package specplot
