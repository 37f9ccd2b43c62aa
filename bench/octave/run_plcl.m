function run_plcl(jobdir, njobs)
  % Runs the authors' PL_CL (on the path, unmodified) on the jobs the benchmark wrote to jobdir:
  % job j has xtr_j.txt, ytr_j.txt (candidates, 0/1), xte_j.txt; writes pred_j.txt (0-based
  % argmax of the test outputs, first index on ties) and cpu_j.txt (CPU seconds of the PL_CL call,
  % the kernel width included). Parameters: the authors' readme, in their positional order
  % PL_CL(..., k = 10, 'rbf', par, Maxiter = 8, 1, 1, 0.03, 0.5, 0.5).
  for j = 0:njobs - 1
    xtr = load('-ascii', fullfile(jobdir, sprintf('xtr_%d.txt', j)));
    ytr = load('-ascii', fullfile(jobdir, sprintf('ytr_%d.txt', j)));
    xte = load('-ascii', fullfile(jobdir, sprintf('xte_%d.txt', j)));
    yte = zeros(rows(xte), columns(ytr));
    yte(:, 1) = 1;
    t0 = cputime();
    par = mean(pdist(xtr));
    [out, ~] = evalc_quiet(@() PL_CL(xtr, ytr, xte, yte, 10, 'rbf', par, 8, 1, 1, 0.03, 0.5, 0.5));
    secs = cputime() - t0;
    [~, pred] = max(out, [], 2);
    dlmwrite(fullfile(jobdir, sprintf('pred_%d.txt', j)), pred - 1);
    dlmwrite(fullfile(jobdir, sprintf('cpu_%d.txt', j)), secs, 'precision', 10);
  end
end

function [out, acc] = evalc_quiet(f)
  % The authors' code prints every iteration; keep the benchmark's output readable.
  out = [];
  acc = [];
  evalc('[out, acc] = f();');
end
