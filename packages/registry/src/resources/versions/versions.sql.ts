import { reusableQuery } from '../../storage/reusable-query';
import { NO_OWN_REVOCATION, NO_REVOCATION } from '../revocation/revocation';

/** The columns of a version just created: `v0`, no revocation. */
export const NEW_VERSION = {
  seq: 0,
  completed_at: null,
  ...NO_REVOCATION,
  ...NO_OWN_REVOCATION,
  revision: 0,
} as const;

/** CreateVersion: the bucket id from a subquery (no bucket: NULL, refused by NOT NULL); a taken fingerprint inserts nothing. */
export const INSERT_VERSION = reusableQuery(
  (
    db,
    bucketName: string,
    id: string,
    fingerprint: string,
    templateType: string,
    authorId: string,
    now: number,
  ) =>
    db
      .insertInto('versions')
      .values({
        ...NEW_VERSION,
        id,
        fingerprint,
        template_type: templateType,
        author_id: authorId,
        created_at: now,
        updated_at: now,
        bucket_id: (eb) => eb.selectFrom('buckets').select('id').where('name', '=', bucketName),
      })
      .onConflict((oc) => oc.columns(['bucket_id', 'fingerprint']).doNothing())
      .returning('bucket_id'),
);
