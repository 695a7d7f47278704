/** FBI WSQ (Wavelet Scalar Quantization) fingerprint image codec, specification v3.1. */
export { decodeWsq, readWsqInfo, type WsqDecodeOptions, type WsqFrame, type WsqInfo } from './decode.ts';
export { encodeWsq, type WsqEncodeOptions } from './encode.ts';
