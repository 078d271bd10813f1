/**
 * GET /help/quantization — the full int8 conversion recipe, once, with a section per wrong
 * conversion (what it looks like in the file, what to change). Every preflight failure about the
 * conversion links its section here instead of repeating the recipe in chat, the CLI and the report.
 */
import { Router } from 'express';
import { RECIPE_SECTIONS, type RecipeSection } from '../../grader/validate/checks.js';
import type { WebContext } from '../context.js';
import { escapeHtml, page } from '../views/layout.js';

const RECIPE = `import numpy as np
import tensorflow as tf

def representative_dataset():
    # 100–500 real training inputs, preprocessed exactly as at inference time
    for x in train_inputs[:300]:
        yield [np.expand_dims(x, 0).astype(np.float32)]

converter = tf.lite.TFLiteConverter.from_keras_model(model)  # or .from_saved_model(path)
converter.optimizations = [tf.lite.Optimize.DEFAULT]
converter.representative_dataset = representative_dataset
converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
converter.inference_input_type = tf.int8
converter.inference_output_type = tf.int8

with open("model_int8.tflite", "wb") as f:
    f.write(converter.convert())`;

/** Title, how the conversion shows in the file, and the change — per section of the page. */
const SECTIONS: Record<Exclude<RecipeSection, 'recipe'>, { title: string; looks: string; change: string }> = {
  float32: {
    title: 'A float32 model',
    looks: 'Weights, activations, input and output are all float32: the model was converted without any optimization.',
    change: 'Use the whole recipe above: <code>optimizations</code>, a representative dataset, int8 ops only and int8 input/output types.',
  },
  'dynamic-range': {
    title: 'Dynamic-range quantization',
    looks: 'The large weight tensors are int8, but the small ones (under 1,024 values: depthwise filters, small dense layers) stay float32, and every activation, the input and the output are float32. This is what <code>optimizations = [tf.lite.Optimize.DEFAULT]</code> gives <em>without</em> a representative dataset; the float kernels dequantize the weights on the fly, which the board’s int8 kernels cannot do.',
    change: 'Keep <code>optimizations</code> and add the other four lines of the recipe: <code>representative_dataset</code>, <code>supported_ops = [TFLITE_BUILTINS_INT8]</code>, <code>inference_input_type</code> and <code>inference_output_type = tf.int8</code>.',
  },
  float16: {
    title: 'float16 quantization',
    looks: 'Weights are stored as float16 and expanded to float32 by DEQUANTIZE operators when the model runs; activations, input and output are float32. It halves the file but computes in float, and the expanded weights take RAM.',
    change: 'Remove <code>converter.target_spec.supported_types = [tf.float16]</code> and use the recipe above.',
  },
  int16x8: {
    title: '16x8 quantization',
    looks: 'Activations are int16, weights int8 and biases int64: the experimental <code>EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8</code> op set. The board’s kernels take int8 activations only.',
    change: 'Set <code>supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]</code> instead, with int8 input and output types.',
  },
  'float-io': {
    title: 'int8 inside, float input or output',
    looks: 'The model is quantized, but the converter wrapped it in a QUANTIZE operator at the input and a DEQUANTIZE at the output because the inference types were left at float32.',
    change: 'Add <code>converter.inference_input_type = tf.int8</code> and <code>converter.inference_output_type = tf.int8</code>. The grader feeds int8 tensors in each model’s own input quantization.',
  },
  uint8: {
    title: 'uint8 quantization',
    looks: 'Activations are uint8: TensorFlow 1 quantization-aware training and its converter.',
    change: 'Convert with TensorFlow 2’s <code>TFLiteConverter</code> and the recipe above (a quantization-aware Keras model needs no representative dataset, but keep the int8 types).',
  },
  mixed: {
    title: 'Partly quantized',
    looks: 'Most of the model is int8, but some operators still compute in float between DEQUANTIZE and QUANTIZE: the converter could not quantize them and fell back to float.',
    change: 'Set <code>supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]</code>: the conversion then names the operator it cannot quantize; replace that layer with one the board supports.',
  },
};

export function helpRoutes(_ctx: WebContext): Router {
  const router = Router();
  router.get('/help/quantization', (_req, res) => {
    const sections = RECIPE_SECTIONS.filter((s): s is Exclude<RecipeSection, 'recipe'> => s !== 'recipe')
      .map((id) => `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${escapeHtml(SECTIONS[id].title)}</h2><p>${SECTIONS[id].looks}</p><p><strong>Change:</strong> ${SECTIONS[id].change}</p></section>`)
      .join('');
    res.type('html').send(
      page(
        'Converting a model to int8 — TinyArena',
        `<h1>Converting a model to full-integer int8</h1><p>The board runs int8 kernels only: weights, activations, input and output must all be int8 (biases int32). Preflight tells which conversion your file came from; its message links the section below.</p>
<section id="recipe" aria-labelledby="recipe-h"><h2 id="recipe-h">The recipe</h2><pre><code>${escapeHtml(RECIPE)}</code></pre><p>Then check the file before submitting it: <code>npx tinyarena validate model_int8.tflite --challenge &lt;id&gt;</code> (or submit it: a file rejected by preflight costs no quota).</p></section>${sections}`,
      ),
    );
  });
  return router;
}
