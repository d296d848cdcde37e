// Every migration, in order. Append new ones at the end with the next version number.
import type { Migration } from './migration.ts';
import { migration0001Initial } from './0001-initial.ts';
import { migration0002SearchIndex } from './0002-search-index.ts';
import { migration0003EngineCalls } from './0003-engine-calls.ts';
import { migration0004JobRetryIndex } from './0004-job-retry-index.ts';
import { migration0005SearchGeneration } from './0005-search-generation.ts';
import { migration0006TagAliases } from './0006-tag-aliases.ts';
import { migration0007SidecarPending } from './0007-sidecar-pending.ts';
import { migration0008SidecarFolderMoves } from './0008-sidecar-folder-moves.ts';
import { migration0009JobLeaseOwner } from './0009-job-lease-owner.ts';
import { migration0010TagConfidenceOptional } from './0010-tag-confidence-optional.ts';
import { migration0011JobLeaseGeneration } from './0011-job-lease-generation.ts';
import { migration0012PhotoText } from './0012-photo-text.ts';
import { migration0013People } from './0013-people.ts';
import { migration0014ManualAlbums } from './0014-manual-albums.ts';
import { migration0015PerceptualHashes } from './0015-perceptual-hashes.ts';
import { migration0016PhotoTextGrams } from './0016-photo-text-grams.ts';
import { migration0017ImportedFaceRegions } from './0017-imported-face-regions.ts';
import { migration0018ContentLocation } from './0018-content-location.ts';
import { migration0019DuplicatesReview } from './0019-duplicates-review.ts';
import { migration0020UndoRemovalTextRelink } from './0020-undo-removal-text-relink.ts';
import { migration0021TextSpacesCarryOver } from './0021-text-spaces-carry-over.ts';

export const migrations: readonly Migration[] = [
  migration0001Initial,
  migration0002SearchIndex,
  migration0003EngineCalls,
  migration0004JobRetryIndex,
  migration0005SearchGeneration,
  migration0006TagAliases,
  migration0007SidecarPending,
  migration0008SidecarFolderMoves,
  migration0009JobLeaseOwner,
  migration0010TagConfidenceOptional,
  migration0011JobLeaseGeneration,
  migration0012PhotoText,
  migration0013People,
  migration0014ManualAlbums,
  migration0015PerceptualHashes,
  migration0016PhotoTextGrams,
  migration0017ImportedFaceRegions,
  migration0018ContentLocation,
  migration0019DuplicatesReview,
  migration0020UndoRemovalTextRelink,
  migration0021TextSpacesCarryOver,
];
