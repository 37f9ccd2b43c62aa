function opts = optimoptions(solver, varargin)
  % Stand-in for MATLAB's optimoptions (Optimization Toolbox): the options as a struct.
  opts = struct('solver', solver);
  for i = 1:2:numel(varargin)
    opts.(varargin{i}) = varargin{i + 1};
  end
end
