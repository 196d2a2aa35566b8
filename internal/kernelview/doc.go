// Package kernelview describes and draws kernels for people: a kernel's
// sum, range, origin, rank, singular values and readable separable factors
// (Describe, Text, and DescribeBank, BankText for a 4-D bank), and pictures
// of its values on a diverging colour map (Picture, BankPicture). It is
// what `convtool kernel show` prints and draws.
package kernelview
