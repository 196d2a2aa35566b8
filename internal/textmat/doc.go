// Package textmat reads and writes matrices as text: CSV or whitespace
// separated numbers (.csv, .txt), and the libvips matrix format (.mat).
//
// Text matrices are what numpy.savetxt writes and what people type: one row
// a line, values separated by spaces, tabs, commas or semicolons, '#'
// starting a comment, and 'nan'/'inf' as numpy spells them. Blank lines
// split the file into blocks of equal size, one channel each.
//
// The .mat format is libvips': a first line `width height [scale offset]`
// and then height rows of width numbers. Values are stored as float32;
// writers print the shortest text that reads back as the same float32.
package textmat
