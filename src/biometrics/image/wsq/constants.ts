/**
 * Constants of the FBI WSQ Gray-scale Fingerprint Image Compression Specification (v3.1):
 * marker codes, subband counts and the Huffman symbol alphabet.
 */

export const MARKER = {
  SOI: 0xffa0, // start of image
  EOI: 0xffa1, // end of image
  SOF: 0xffa2, // start of frame
  SOB: 0xffa3, // start of block (entropy-coded segment follows)
  DTT: 0xffa4, // define transform table (wavelet filter taps)
  DQT: 0xffa5, // define quantization table
  DHT: 0xffa6, // define Huffman table(s)
  DRT: 0xffa7, // define restart interval
  COM: 0xffa8, // comment (NISTCOM lives here)
} as const;

/** Restart markers RST0…RST7 occupy 0xFFB0…0xFFB7. */
export const RST_FIRST = 0xffb0;
export const RST_LAST = 0xffb7;

/** The 64-subband decomposition codes 60 subbands; 60–63 are always discarded. */
export const NUM_SUBBANDS = 60;
/** First subband of the second and third coded blocks. */
export const START_BLOCK_2 = 19;
export const START_BLOCK_3 = 52;

/** Huffman symbols: 1–100 are zero runs of that length. */
export const MAX_ZERO_RUN_SYMBOL = 100;
export const SYM_ESC_POS8 = 101;
export const SYM_ESC_NEG8 = 102;
export const SYM_ESC_POS16 = 103;
export const SYM_ESC_NEG16 = 104;
export const SYM_ZRUN8 = 105;
export const SYM_ZRUN16 = 106;
/** Symbols 107–254 carry a coefficient in −73…74 as `symbol − 180`. */
export const COEFF_SYMBOL_OFFSET = 180;
export const MAX_DIRECT_COEFF = 74;
export const MIN_DIRECT_COEFF = 1 - MAX_DIRECT_COEFF;

/** Huffman tables hold at most 256 values and codes of at most 16 bits. */
export const MAX_HUFFMAN_VALUES = 256;
export const MAX_HUFFMAN_BITS = 16;
/** Table identifiers 0–7 may be defined (the spec's maximum number of DHT tables). */
export const MAX_HUFFMAN_TABLES = 8;

/**
 * The CDF 9/7 analysis filters the FBI encoder uses, as one half of each symmetric filter from
 * the centre tap outwards. The 9-tap lowpass is written first in the DTT segment.
 */
export const ANALYSIS_LOWPASS_HALF = [0.852698679009, 0.377402855613, -0.110624404418, -0.023849465020, 0.037828455507];
export const ANALYSIS_HIGHPASS_HALF = [0.788485616406, -0.418092273222, -0.040689417609, 0.064538882629];
