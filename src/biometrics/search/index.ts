/**
 * 1:N tenprint identification: gallery shards in typed arrays, a two-stage search (popcount
 * filter over the whole shard, then the 1:1 comparator on a short list), score fusion and
 * decision thresholds, and the gallery file's record format. Pure: no I/O, no threads; the
 * worker-thread runner and file access live in src/platform/search/.
 */
export { SearchError, type SearchErrorReason } from './errors.ts';
export { FILTER_BITS, FILTER_WORDS, MAX_MINUTIAE_PER_FINGER, packFinger, unpackFinger, type PackedFinger } from './features.ts';
export { FINGER_POSITIONS, packTenprint, type PackedTenprint, type SkippedFinger, type Tenprint, type TenprintFinger } from './tenprint.ts';
export { checkIdentityId, enrolmentRecord, GalleryShard, heapAllocator, shardIndex, slotId, storedFingers, type Allocator, type EnrolmentRecord, type GalleryState } from './gallery.ts';
export { mergeCandidates, prepareProbe, searchShard, type Candidate, type FingerScore, type PreparedProbe, type ShardResult, type ShardSearchOptions } from './search.ts';
export { crc32, checkFileHeader, decodeId, decodeOp, encodeDelete, encodeFileHeader, encodeUpsert, LAYOUT_FINGER_FIELDS, LAYOUT_LENGTH, parseRecords, RECORD_DELETE, RECORD_UPSERT, scanRecords, upsertLayout, HEADER_BYTES, type Crc32, type DamagedRecord, type GalleryOp } from './record.ts';
export { crossValidatedRates, decide, empiricalThreshold, gammaUpperTail, modelThreshold, type CrossValidatedRates, type Decision } from './fusion.ts';
