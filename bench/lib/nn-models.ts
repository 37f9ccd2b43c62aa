/**
 * The models of the nn benchmarks, shared by the `nn` and `engine` suites: the MLP and the CNN
 * (numts), one AdamW training step, and the same MLP step in TensorFlow.js.
 *
 * @module
 */
import {
  type AdamW,
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  type Variable,
} from '@numts/nn';
import * as tf from '@tensorflow/tfjs';

/** MLP 784→128→10. */
export function mlp(): Sequential {
  return new Sequential(new Linear(784, 128, { seed: 1 }), ReLU(), new Linear(128, 10, { seed: 2 }));
}

/** CNN: conv3×3 1→16, max-pool, conv3×3 16→32, max-pool, fc. */
export function cnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, seed: 1 }),
    ReLU(),
    MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1, seed: 2 }),
    ReLU(),
    MaxPool2d(2),
    Flatten(),
    new Linear(32 * 7 * 7, 10, { seed: 3 }),
  );
}

/** One training step (forward, backward, AdamW); returns the loss. */
export function numtsStep(net: Sequential, opt: AdamW, x: Variable, y: number[]): number {
  opt.zeroGrad();
  const loss = crossEntropy(net.forward(x), y);
  loss.backward();
  opt.step();
  return loss.item();
}

/** The MLP and its Adam step in TensorFlow.js (on the current tf backend). */
export function tfjsMlp(): { step: (x: tf.Tensor2D, y: tf.Tensor2D) => number } {
  const w1 = tf.variable(tf.randomUniform([784, 128], -0.035, 0.035, 'float32', 1));
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = tf.variable(tf.randomUniform([128, 10], -0.088, 0.088, 'float32', 2));
  const b2 = tf.variable(tf.zeros([10]));
  const opt = tf.train.adam(1e-3);
  return {
    step: (x, y) => {
      const cost = opt.minimize(
        () =>
          tf.losses.softmaxCrossEntropy(
            y,
            tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
          ) as tf.Scalar,
        true,
      );
      const v = cost!.dataSync()[0]!;
      cost!.dispose();
      return v;
    },
  };
}
