;; Exact int8 cosine top-k over every vector of a flat index, in WebAssembly SIMD.
;;
;; One source, two modules: scripts/wasm/build-kernel.ts keeps the `;;#if relaxed` lines for the
;; relaxed-SIMD module and the `;;#else` lines for the plain-SIMD one. Both compute the same
;; integers, so their results are identical (and identical to scan-scalar.ts).
;;
;; Memory (imported; laid out by layout.ts, owned by vector-store.ts; sections 16-byte aligned):
;;   query       2 × stride bytes. Relaxed: per 16-code column, 16 bytes lo then 16 bytes hi, where
;;               code = 128 × (hi - 64) + lo and both are in [0, 127] (the i7 operand range).
;;               Plain: the codes as i16.
;;   scratch     16 bytes, to read single lanes of a score vector
;;   top_scores  k f32, descending     top_ids  k i32 (equal scores: lower id first)
;;   scales      f32 per item          sums     i32 per item (relaxed only: sum of the item's codes)
;;   mask        1 bit per item (bit i%8 of byte i/8; 1 = may be returned)
;;   codes       int8, `stride` bytes a row (dim rounded up to 16, zero padded), capacity % 8 == 0,
;;               in blocks of 4 rows interleaved by 16-byte column: block b holds rows 4b..4b+3 as
;;               [row 4b cols 0-15][row 4b+1 cols 0-15][4b+2][4b+3][row 4b cols 16-31]...
;;               so a block is scanned as one sequential stream (measured: 1.6x the bandwidth of
;;               4 separate row streams in Chromium on x64).
;; Score of item i = (f32(dot(query codes, codes[i])) * scales[i]) * qscale, rounded as f32 each step.
(module
  (import "env" "memory" (memory 1))

  (global $query (mut i32) (i32.const 0))
  (global $scratch (mut i32) (i32.const 0))
  (global $top_scores (mut i32) (i32.const 0))
  (global $top_ids (mut i32) (i32.const 0))
  (global $scales (mut i32) (i32.const 0))
  (global $sums (mut i32) (i32.const 0))
  (global $mask (mut i32) (i32.const 0))
  (global $codes (mut i32) (i32.const 0))
  (global $stride (mut i32) (i32.const 16))

  (func (export "set_layout")
    (param $query i32) (param $scratch i32) (param $top_scores i32) (param $top_ids i32)
    (param $scales i32) (param $sums i32) (param $mask i32) (param $codes i32) (param $stride i32)
    (global.set $query (local.get $query))
    (global.set $scratch (local.get $scratch))
    (global.set $top_scores (local.get $top_scores))
    (global.set $top_ids (local.get $top_ids))
    (global.set $scales (local.get $scales))
    (global.set $sums (local.get $sums))
    (global.set $mask (local.get $mask))
    (global.set $codes (local.get $codes))
    (global.set $stride (local.get $stride)))

;; sums[row] = sum of the row's codes, for rows [from, to): the relaxed kernel's correction term.
  (func (export "row_sums") (param $from i32) (param $to i32)
    (local $row i32) (local $p i32) (local $end i32) (local $acc v128)
    (local.set $row (local.get $from))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $row) (local.get $to)))
        ;; The row's 16-byte columns sit 64 bytes apart inside its block of 4.
        (local.set $p
          (i32.add (global.get $codes)
            (i32.add
              (i32.mul (i32.and (local.get $row) (i32.const -4)) (global.get $stride))
              (i32.shl (i32.and (local.get $row) (i32.const 3)) (i32.const 4)))))
        (local.set $end (i32.add (local.get $p) (i32.shl (global.get $stride) (i32.const 2))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (loop $columns
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.extadd_pairwise_i16x8_s
                (i16x8.extadd_pairwise_i8x16_s (v128.load (local.get $p))))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br_if $columns (i32.lt_u (local.get $p) (local.get $end))))
        (i32.store
          (i32.add (global.get $sums) (i32.shl (local.get $row) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))

  ;; Puts (score, id) into the descending top list of `size` entries (at most k), after every
  ;; entry with an equal score (those have lower ids). Returns the new size.
  (func $insert (param $score f32) (param $id i32) (param $size i32) (param $k i32) (result i32)
    (local $j i32) (local $at i32)
    (local.set $j
      (select (local.get $size) (i32.sub (local.get $k) (i32.const 1))
        (i32.lt_u (local.get $size) (local.get $k))))
    (block $placed
      (loop $shift
        (br_if $placed (i32.eqz (local.get $j)))
        (local.set $at (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))
        (br_if $placed
          (f32.ge (f32.load (i32.add (global.get $top_scores) (local.get $at))) (local.get $score)))
        (f32.store offset=4 (i32.add (global.get $top_scores) (local.get $at))
          (f32.load (i32.add (global.get $top_scores) (local.get $at))))
        (i32.store offset=4 (i32.add (global.get $top_ids) (local.get $at))
          (i32.load (i32.add (global.get $top_ids) (local.get $at))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $shift)))
    (f32.store (i32.add (global.get $top_scores) (i32.shl (local.get $j) (i32.const 2)))
      (local.get $score))
    (i32.store (i32.add (global.get $top_ids) (i32.shl (local.get $j) (i32.const 2)))
      (local.get $id))
    (select (i32.add (local.get $size) (i32.const 1)) (local.get $k)
      (i32.lt_u (local.get $size) (local.get $k))))

;; The 4 accumulators' lane sums as one vector [row 0, row 1, row 2, row 3].
  (func $row_dots (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    (local.set $ab
      (i32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd
      (i32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    (i32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ab) (local.get $cd))))

  ;; Scans items [0, n) in order and leaves the best k (1..capacity of the top list) in
  ;; top_scores/top_ids. use_mask: 0 = no filter; 1 or 2 = only items whose mask bit is 1 may
  ;; enter (1 also skips reading blocks without any). exclude: an item never to return, or -1.
  ;; Returns how many results there are (fewer than k when fewer items qualify).
  (func (export "search")
    (param $n i32) (param $k i32) (param $use_mask i32) (param $exclude i32) (param $qscale f32)
    (result i32)
    (local $size i32) (local $threshold f32) (local $threshold_v v128) (local $qscale_v v128)
    (local $group i32) (local $groups i32) (local $visit i32) (local $bits i32) (local $half i32)
    (local $nibble i32)
    (local $row i32) (local $p i32) (local $end i32) (local $qp i32) (local $q v128) (local $q_hi v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $v v128)
    (local $low0 v128) (local $low1 v128) (local $low2 v128) (local $low3 v128)
    (local $dots v128) (local $scores v128) (local $hits i32) (local $lane i32) (local $score f32)
    (local.set $threshold (f32.const -inf))
    (local.set $threshold_v (f32x4.splat (f32.const -inf)))
    (local.set $qscale_v (f32x4.splat (local.get $qscale)))
    (local.set $groups (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (block $done
      (loop $each_group
        (br_if $done (i32.ge_u (local.get $group) (local.get $groups)))
        ;; visit: the group's rows that exist; bits: those that may enter (filter, exclusion).
        (local.set $visit (i32.const 255))
        (if (i32.and
              (i32.eq (local.get $group) (i32.sub (local.get $groups) (i32.const 1)))
              (i32.ne (i32.and (local.get $n) (i32.const 7)) (i32.const 0)))
          (then
            (local.set $visit
              (i32.sub (i32.shl (i32.const 1) (i32.and (local.get $n) (i32.const 7))) (i32.const 1)))))
        (local.set $bits
          (if (result i32) (local.get $use_mask)
            (then
              (i32.and (local.get $visit)
                (i32.load8_u (i32.add (global.get $mask) (local.get $group)))))
            (else (local.get $visit))))
        (if (i32.eq (i32.shr_s (local.get $exclude) (i32.const 3)) (local.get $group))
          (then
            (local.set $bits
              (i32.and (local.get $bits)
                (i32.xor (i32.shl (i32.const 1) (i32.and (local.get $exclude) (i32.const 7)))
                  (i32.const -1))))))
        ;; Mode 1 reads only blocks holding a candidate; mode 2 (dense filters) reads every block,
        ;; since skipping at random breaks the sequential stream and costs more than it saves.
        (if (i32.eq (local.get $use_mask) (i32.const 1)) (then (local.set $visit (local.get $bits))))
        (local.set $half (i32.const 0))
        (loop $each_half
          (local.set $nibble (i32.and (i32.shr_u (local.get $bits) (local.get $half)) (i32.const 15)))
          (if (i32.and (i32.shr_u (local.get $visit) (local.get $half)) (i32.const 15))
            (then
              (local.set $row (i32.add (i32.shl (local.get $group) (i32.const 3)) (local.get $half)))
              ;; Rows row..row+3 form one interleaved block: a sequential stream, 64 bytes a column.
              (local.set $p (i32.add (global.get $codes) (i32.mul (local.get $row) (global.get $stride))))
              (local.set $end (i32.add (local.get $p) (i32.shl (global.get $stride) (i32.const 2))))
              (local.set $qp (global.get $query))
              (local.set $acc0 (v128.const i32x4 0 0 0 0))
              (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc2 (v128.const i32x4 0 0 0 0))
              (local.set $acc3 (v128.const i32x4 0 0 0 0))
;;#if relaxed
              (local.set $low0 (v128.const i32x4 0 0 0 0))
              (local.set $low1 (v128.const i32x4 0 0 0 0))
              (local.set $low2 (v128.const i32x4 0 0 0 0))
              (local.set $low3 (v128.const i32x4 0 0 0 0))
;;#endif
              (loop $columns
;;#if relaxed
                ;; Two i7 limbs per query code: code = 128 × (hi - 64) + lo, hi and lo in [0, 127].
                (local.set $q (v128.load (local.get $qp)))
                (local.set $q_hi (v128.load offset=16 (local.get $qp)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $acc0 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q_hi) (local.get $acc0)))
                (local.set $low0 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q) (local.get $low0)))
                (local.set $v (v128.load offset=16 (local.get $p)))
                (local.set $acc1 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q_hi) (local.get $acc1)))
                (local.set $low1 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q) (local.get $low1)))
                (local.set $v (v128.load offset=32 (local.get $p)))
                (local.set $acc2 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q_hi) (local.get $acc2)))
                (local.set $low2 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q) (local.get $low2)))
                (local.set $v (v128.load offset=48 (local.get $p)))
                (local.set $acc3 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q_hi) (local.get $acc3)))
                (local.set $low3 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $q) (local.get $low3)))
                (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
;;#else
                ;; load8x8_s sign-extends 8 codes to i16 as it loads; the query is stored as i16.
                (local.set $q (v128.load (local.get $qp)))
                (local.set $q_hi (v128.load offset=16 (local.get $qp)))
                (local.set $acc0
                  (i32x4.add (local.get $acc0)
                    (i32x4.add
                      (i32x4.dot_i16x8_s (v128.load8x8_s (local.get $p)) (local.get $q))
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=8 (local.get $p)) (local.get $q_hi)))))
                (local.set $acc1
                  (i32x4.add (local.get $acc1)
                    (i32x4.add
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=16 (local.get $p)) (local.get $q))
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=24 (local.get $p)) (local.get $q_hi)))))
                (local.set $acc2
                  (i32x4.add (local.get $acc2)
                    (i32x4.add
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=32 (local.get $p)) (local.get $q))
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=40 (local.get $p)) (local.get $q_hi)))))
                (local.set $acc3
                  (i32x4.add (local.get $acc3)
                    (i32x4.add
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=48 (local.get $p)) (local.get $q))
                      (i32x4.dot_i16x8_s (v128.load8x8_s offset=56 (local.get $p)) (local.get $q_hi)))))
                (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
;;#endif
                (local.set $p (i32.add (local.get $p) (i32.const 64)))
                (br_if $columns (i32.lt_u (local.get $p) (local.get $end))))
              (local.set $dots
                (call $row_dots (local.get $acc0) (local.get $acc1) (local.get $acc2) (local.get $acc3)))
;;#if relaxed
              ;; dot = 128 × (dot with hi - 64 × code sum) + dot with lo; i32 wraps cancel out
              ;; because the true dot fits (quantiseQuery bounds the code range by dim).
              (local.set $dots
                (i32x4.sub
                  (i32x4.add
                    (i32x4.shl (local.get $dots) (i32.const 7))
                    (call $row_dots (local.get $low0) (local.get $low1) (local.get $low2) (local.get $low3)))
                  (i32x4.shl
                    (v128.load (i32.add (global.get $sums) (i32.shl (local.get $row) (i32.const 2))))
                    (i32.const 13))))
;;#endif
              (local.set $scores
                (f32x4.mul
                  (f32x4.mul
                    (f32x4.convert_i32x4_s (local.get $dots))
                    (v128.load (i32.add (global.get $scales) (i32.shl (local.get $row) (i32.const 2)))))
                  (local.get $qscale_v)))
              ;; The common case ends here: one compare for 4 rows, nothing beats the threshold.
              (local.set $hits
                (i32.and (local.get $nibble)
                  (i32x4.bitmask (f32x4.gt (local.get $scores) (local.get $threshold_v)))))
              (if (local.get $hits)
                (then
                  (v128.store (global.get $scratch) (local.get $scores))
                  (loop $each_hit
                    (local.set $lane (i32.ctz (local.get $hits)))
                    (local.set $score
                      (f32.load (i32.add (global.get $scratch) (i32.shl (local.get $lane) (i32.const 2)))))
                    (if (f32.gt (local.get $score) (local.get $threshold))
                      (then
                        (local.set $size
                          (call $insert (local.get $score) (i32.add (local.get $row) (local.get $lane))
                            (local.get $size) (local.get $k)))
                        (if (i32.eq (local.get $size) (local.get $k))
                          (then
                            (local.set $threshold
                              (f32.load
                                (i32.add (global.get $top_scores)
                                  (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))))
                            (local.set $threshold_v (f32x4.splat (local.get $threshold)))))))
                    (local.set $hits
                      (i32.and (local.get $hits) (i32.sub (local.get $hits) (i32.const 1))))
                    (br_if $each_hit (local.get $hits)))))))
          (local.set $half (i32.add (local.get $half) (i32.const 4)))
          (br_if $each_half (i32.eq (local.get $half) (i32.const 4))))
        (local.set $group (i32.add (local.get $group) (i32.const 1)))
        (br $each_group)))
    (local.get $size))
)
