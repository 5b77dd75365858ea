;; Decodes uint8-coded weights into float32 (decoded-weights.ts): out = f32(code) * scale + offset,
;; each product and sum rounded to float32 as onnxruntime's Mul then Add would. WebAssembly, not
;; JavaScript, because this runs once per start: V8 ran the JavaScript loop unoptimised for most
;; of that one call (100 to 170 ms in the app's worker), where Liftoff's SIMD code needs a few ms.
(module
  (memory (export "memory") 1)

  ;; `count` codes in blocks of `inner`, block k scaled by channel k % channels: a kernel coded
  ;; per output channel (axis 0), or per tensor (inner = count, channels = 1).
  (func (export "decode_blocks")
    (param $codes i32) (param $out i32) (param $count i32) (param $inner i32)
    (param $channels i32) (param $scales i32) (param $offsets i32)
    (local $end i32) (local $block_end i32) (local $c i32)
    (local $scale f32) (local $offset f32) (local $vscale v128) (local $voffset v128)
    (local.set $end (i32.add (local.get $codes) (local.get $count)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $codes) (local.get $end)))
        (local.set $scale (f32.load (i32.add (local.get $scales) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $offset (f32.load (i32.add (local.get $offsets) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $vscale (f32x4.splat (local.get $scale)))
        (local.set $voffset (f32x4.splat (local.get $offset)))
        (local.set $block_end (i32.add (local.get $codes) (local.get $inner)))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_u (i32.add (local.get $codes) (i32.const 4)) (local.get $block_end)))
            (v128.store (local.get $out)
              (f32x4.add
                (f32x4.mul
                  (f32x4.convert_i32x4_u
                    (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $codes)))))
                  (local.get $vscale))
                (local.get $voffset)))
            (local.set $codes (i32.add (local.get $codes) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $quads)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $codes) (local.get $block_end)))
            (f32.store (local.get $out)
              (f32.add
                (f32.mul (f32.convert_i32_u (i32.load8_u (local.get $codes))) (local.get $scale))
                (local.get $offset)))
            (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (br $tail)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (if (i32.eq (local.get $c) (local.get $channels)) (then (local.set $c (i32.const 0))))
        (br $blocks))))

  ;; `count` codes in rows of `cols`, column j scaled by channel j: a matrix coded per output
  ;; column (the scale's axis is the last).
  (func (export "decode_rows")
    (param $codes i32) (param $out i32) (param $count i32) (param $cols i32)
    (param $scales i32) (param $offsets i32)
    (local $end i32) (local $row_end i32) (local $j i32)
    (local.set $end (i32.add (local.get $codes) (local.get $count)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $codes) (local.get $end)))
        (local.set $row_end (i32.add (local.get $codes) (local.get $cols)))
        (local.set $j (i32.const 0))
        (block $quads_done
          (loop $quads
            (br_if $quads_done (i32.gt_u (i32.add (local.get $codes) (i32.const 4)) (local.get $row_end)))
            (v128.store (local.get $out)
              (f32x4.add
                (f32x4.mul
                  (f32x4.convert_i32x4_u
                    (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $codes)))))
                  (v128.load (i32.add (local.get $scales) (local.get $j))))
                (v128.load (i32.add (local.get $offsets) (local.get $j)))))
            (local.set $codes (i32.add (local.get $codes) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $quads)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_u (local.get $codes) (local.get $row_end)))
            (f32.store (local.get $out)
              (f32.add
                (f32.mul
                  (f32.convert_i32_u (i32.load8_u (local.get $codes)))
                  (f32.load (i32.add (local.get $scales) (local.get $j))))
                (f32.load (i32.add (local.get $offsets) (local.get $j)))))
            (local.set $codes (i32.add (local.get $codes) (i32.const 1)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tail)))
        (br $rows)))))
