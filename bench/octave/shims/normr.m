function y = normr(x)
  % Stand-in for MATLAB's normr: each row divided by its Euclidean norm.
  y = x ./ sqrt(sum(x .^ 2, 2));
end
