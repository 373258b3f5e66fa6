"""The benchmark's measurements, one module each; measure.MEASUREMENTS lists them in order."""
