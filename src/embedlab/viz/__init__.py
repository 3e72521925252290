"""Looking at vector spaces: 2-D/3-D projections, semantic axes, static and interactive plots, exports.

- :func:`~embedlab.viz.projection.project`: PCA, t-SNE or UMAP coordinates;
- :func:`~embedlab.viz.axes.axis_coordinates`: words placed on meaningful directions (man→woman, ...);
- :func:`~embedlab.viz.plots.plot_words`: PNG/SVG (matplotlib) or self-contained HTML (plotly);
- :mod:`~embedlab.viz.export`: TensorFlow Embedding Projector TSV, PyTorch and sentence-transformers.
"""
