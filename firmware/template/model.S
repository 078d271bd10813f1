/*
 * The model, linked into flash as it is (the runtime reads it in place). MODEL_PATH comes from the
 * Makefile (`make template MODEL=…`). 16-byte alignment keeps the flatbuffer's own alignment.
 */
  .section .rodata.model, "a"
  .balign 16
  .global g_model
g_model:
  .incbin MODEL_PATH
  .global g_model_end
g_model_end:
  .byte 0
  .balign 4
