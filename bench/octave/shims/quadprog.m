function x = quadprog(H, f, A, b, Aeq, beq, lb, ub, x0, options)
  % Stand-in for MATLAB's quadprog on the two kinds of QP the PL-CL code poses:
  %  - small ones (at most 400 variables: the graph weights, k variables with sum 1 and box 0..1):
  %    Octave's active-set solver qp from a feasible start, at most 200 iterations;
  %  - the row-simplex QPs over P (p×q unknowns, H = I_q ⊗ T block diagonal, every row of P sums
  %    to 1, 0 <= P <= ub): FISTA with adaptive restart and an exact projection of each row onto
  %    {0 <= x <= u, sum x = 1}, stopped when the fixed-point residual is below 1e-10 (or after
  %    20000 iterations).
  n = rows(lb);
  if isempty(f), f = zeros(n, 1); end
  if n <= 400
    start = full(ub) / sum(full(ub));
    x = qp(start, full(H), full(f), full(Aeq), full(beq), full(lb), full(ub), ...
           optimset('MaxIter', 200));
    return;
  end
  p = rows(Aeq);
  q = n / p;
  T = full(H(1:p, 1:p));
  U = reshape(full(ub), p, q);
  F = reshape(full(f), p, q);
  L = eigs((T + T') / 2, 1, 'la');   % the step 1/L: largest eigenvalue (ARPACK)
  X = U ./ max(sum(U, 2), 1);
  Y = X;
  t = 1;
  for it = 1:20000
    G = T * Y + F;
    Xn = project_rows(Y - G / L, U);
    if max(abs(Xn(:) - Y(:))) < 1e-10
      X = Xn;
      break;
    end
    if sum(sum((Y - Xn) .* (Xn - X))) > 0
      t = 1;   % adaptive restart: momentum pointed uphill
    end
    tn = (1 + sqrt(1 + 4 * t ^ 2)) / 2;
    Y = Xn + ((t - 1) / tn) * (Xn - X);
    X = Xn;
    t = tn;
  end
  x = X(:);
end

function X = project_rows(V, U)
  % Euclidean projection of each row of V onto {0 <= x <= u, sum x = 1}: x = clip(v - tau, 0, u)
  % with tau found by bisection per row (all rows at once).
  lo = min(V - U, [], 2) - 1;
  hi = max(V, [], 2);
  for k = 1:100
    tau = (lo + hi) / 2;
    s = sum(min(max(V - tau, 0), U), 2);
    above = s > 1;
    lo(above) = tau(above);
    hi(~above) = tau(~above);
  end
  X = min(max(V - (lo + hi) / 2, 0), U);
end
