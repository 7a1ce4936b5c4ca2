#ifndef SATO_BLOCKFILE_H
#define SATO_BLOCKFILE_H

/* Append-only block and undo files: blocks/blk%05d.dat and rev%05d.dat.
 *
 * Every record is framed as network magic (4 bytes) + payload length
 * (4 bytes, little endian) + payload; an undo record is followed by a
 * 32-byte SHA-256d checksum over (block hash || payload), as in Bitcoin
 * Core's rev files. Blocks and undo data are two independent series, each
 * rolling over to a new file at a maximum size (128 MiB by default) and
 * preallocated in chunks (16 MiB blk, 1 MiB rev) so that appends rarely
 * change the file's allocation.
 *
 * Crash safety is a protocol between this store and the database above it:
 *   1. append records (their positions are not yet durable);
 *   2. sato_blockstore_flush: fdatasync the files;
 *   3. commit, in one LMDB transaction, whatever refers to the records
 *      together with sato_blockstore_ends() (the end of durable data);
 *   4. at start-up, sato_blockstore_truncate(the ends recorded in 3), which
 *      cuts off anything appended after the last commit, so garbage from a
 *      crash between 1 and 3 is never mistaken for data.
 * Nothing the database records can then point at data not on disk.
 *
 * Threads: appends, flush and truncate must be serialized by the caller;
 * reads and scans use their own file descriptors and only immutable fields,
 * so any number of them may run beside one appender. */

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/store.h"

#define SATO_BLOCKFILE_MAX_SIZE (128u << 20) /* Core's MAX_BLOCKFILE_SIZE */
#define SATO_BLOCKFILE_BLK_CHUNK (16u << 20) /* BLOCKFILE_CHUNK_SIZE */
#define SATO_BLOCKFILE_REV_CHUNK (1u << 20)  /* UNDOFILE_CHUNK_SIZE */
#define SATO_BLOCKFILE_HEADER 8u             /* magic + length */
#define SATO_BLOCKFILE_CHECKSUM 32u          /* after an undo payload */

/* Where a record's payload starts (just after its 8-byte header), as
 * Bitcoin Core's FlatFilePos. As an end marker, offset is the size of the
 * file's valid data. */
typedef struct {
    uint32_t file;
    uint32_t offset;
} sato_filepos_t;

/* The end of valid data in both series: what the database records after a
 * flush and hands back to sato_blockstore_truncate at start-up. */
typedef struct {
    sato_filepos_t blk;
    sato_filepos_t rev;
} sato_blockstore_ends_t;

/* Serialized form of the ends for the database (16 bytes, little endian). */
#define SATO_BLOCKSTORE_ENDS_SIZE 16
void sato_blockstore_ends_write(unsigned char out[SATO_BLOCKSTORE_ENDS_SIZE],
                                const sato_blockstore_ends_t *ends);
void sato_blockstore_ends_read(sato_blockstore_ends_t *ends,
                               const unsigned char in[SATO_BLOCKSTORE_ENDS_SIZE]);

typedef struct {
    unsigned char magic[4]; /* network message start, e.g. f9 be b4 d9 */
    uint32_t max_file_size; /* 0: SATO_BLOCKFILE_MAX_SIZE (tests use less) */
    uint32_t blk_chunk;     /* 0: SATO_BLOCKFILE_BLK_CHUNK */
    uint32_t rev_chunk;     /* 0: SATO_BLOCKFILE_REV_CHUNK */
} sato_blockstore_opts_t;

typedef struct sato_blockstore sato_blockstore_t;

/* Opens (creating if needed) the directory dir, which will hold the files.
 * Nothing is read or changed yet; appends are refused until
 * sato_blockstore_truncate has set where they go. */
SATO_NODISCARD sato_err_t sato_blockstore_open(sato_blockstore_t **out, const char *dir,
                                const sato_blockstore_opts_t *opts);

/* Closes the files without syncing them: whatever was appended since the
 * last flush may be lost, which the protocol above allows. NULL is a
 * no-op. */
void sato_blockstore_destroy(sato_blockstore_t *bs);

/* Start-up recovery: removes every byte past ends (later files and the
 * tail of the end file, preallocated space included) and makes the ends
 * the append positions. A fresh store passes {{0,0},{0,0}}. Fails with
 * SATO_ECORRUPT if an end file is shorter than its recorded end: the
 * database then refers to data that is not on disk. */
SATO_NODISCARD sato_err_t sato_blockstore_truncate(sato_blockstore_t *bs, const sato_blockstore_ends_t *ends);

/* Appends a block (or its undo data, checksummed with the block's hash)
 * and returns where its payload starts. The record is not durable until
 * the next sato_blockstore_flush. A failed append leaves the append
 * position where it was, so the next one overwrites any partial bytes. */
SATO_NODISCARD sato_err_t sato_blockstore_append_block(sato_blockstore_t *bs, sato_filepos_t *pos,
                                        const unsigned char *data, size_t len);
SATO_NODISCARD sato_err_t sato_blockstore_append_undo(sato_blockstore_t *bs, sato_filepos_t *pos,
                                       const unsigned char block_hash[32],
                                       const unsigned char *data, size_t len);

/* Makes every appended record durable (fdatasync of the open blk and rev
 * files; files left behind by a rollover were synced then). After a
 * failed fdatasync nothing is retried: every later append and flush fails
 * with SATO_EIO (the kernel may have dropped the data while marking it
 * clean), and the node must stop; a restart truncates to the recorded
 * ends. A failed write (SATO_ENOSPC, SATO_EIO) may be retried. */
SATO_NODISCARD sato_err_t sato_blockstore_flush(sato_blockstore_t *bs);

/* The current append positions; after a successful flush, the value to
 * commit to the database. */
void sato_blockstore_ends(const sato_blockstore_t *bs, sato_blockstore_ends_t *ends);

/* Reads the record whose payload starts at pos into out (replacing its
 * contents). The header is checked (magic, and a length that fits in the
 * file) before anything is allocated; an undo record's checksum is
 * verified against block_hash. SATO_ECORRUPT on any mismatch,
 * SATO_ENOTFOUND if the file does not exist. */
SATO_NODISCARD sato_err_t sato_blockstore_read_block(const sato_blockstore_t *bs, sato_buf_t *out,
                                      sato_filepos_t pos);
SATO_NODISCARD sato_err_t sato_blockstore_read_undo(const sato_blockstore_t *bs, sato_buf_t *out,
                                     const unsigned char block_hash[32], sato_filepos_t pos);

/* Bytes of all blk and rev files, counting the files being appended to up
 * to their data (not their preallocation), as Core's size_on_disk. */
uint64_t sato_blockstore_disk_size(const sato_blockstore_t *bs);

/* Walks every block record of every blk file in order (for -reindex),
 * calling cb with its position and payload (valid only during the call).
 * Bytes that do not form a record (preallocated zeros, a torn record,
 * garbage) are skipped by searching for the next magic, as Core's
 * LoadExternalBlockFile does. cb returns 0 to go on, a positive value
 * to stop, or a negative one to say the payload is not a block (it is then
 * skipped like garbage). *end receives the end of the last record cb
 * took, a valid argument (as ends->blk) for sato_blockstore_truncate. */
typedef int (*sato_blockstore_scan_cb)(void *arg, sato_filepos_t pos,
                                       const unsigned char *data, size_t len);
SATO_NODISCARD sato_err_t sato_blockstore_scan(const sato_blockstore_t *bs, sato_blockstore_scan_cb cb,
                                void *arg, sato_filepos_t *end);
/* The same walk starting at start (an end position as recorded by the
 * database: the first record after it, then every later file), which is
 * how start-up finds the blocks appended after the last flush. *end is
 * start if no record follows it. SATO_ECORRUPT if start's file is shorter
 * than start. */
SATO_NODISCARD sato_err_t sato_blockstore_scan_from(const sato_blockstore_t *bs, sato_filepos_t start,
                                     sato_blockstore_scan_cb cb, void *arg, sato_filepos_t *end);

#endif
